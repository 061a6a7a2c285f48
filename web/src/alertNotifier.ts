/**
 * Sound and desktop notification of new alerts, on any page. The live push calls `notifyAlert` for each alert it
 * receives (new ones only: alerts loaded at start never sound). Only unacknowledged alerts of severity warning or
 * critical notify. The operator's choices live in localStorage; the sound is a Web Audio beep (no audio file), the
 * desktop notification uses the Notification API once the browser has granted it. `<html data-last-notified>` names
 * the last alert notified and `data-last-notified-via` how (for tests and for a support look at a console).
 */
import type { AlertRow } from './api';

export interface NotifyPrefs { sound: boolean; desktop: boolean }
const KEYS = { sound: 'argus.alerts.sound', desktop: 'argus.alerts.desktop' } as const;

export function loadPrefs(): NotifyPrefs {
  return { sound: localStorage.getItem(KEYS.sound) === '1', desktop: localStorage.getItem(KEYS.desktop) === '1' };
}

export function savePrefs(p: NotifyPrefs): void {
  for (const k of ['sound', 'desktop'] as const) localStorage.setItem(KEYS[k], p[k] ? '1' : '0');
}

export const shouldNotify = (a: AlertRow): boolean => !a.acknowledgedAtMs && (a.severity === 'warning' || a.severity === 'critical');

let audio: AudioContext | null = null;

/** Creates or resumes the audio context; browsers allow it only after a user gesture (a click on the toggle, any key). */
export function unlockAudio(): void {
  audio ??= new AudioContext();
  if (audio.state === 'suspended') audio.resume().catch((e: unknown) => console.warn('audio', e));
}

/** A short beep: one tone for a warning, two higher tones for a critical alert. False when the browser keeps audio off. */
export function beep(severity: AlertRow['severity']): boolean {
  unlockAudio();
  const ctx = audio!;
  if (ctx.state !== 'running') return false;
  const tones = severity === 'critical' ? [988, 1319] : [740];
  tones.forEach((hz, i) => {
    const at = ctx.currentTime + i * 0.22;
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'square';
    osc.frequency.value = hz;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.15, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.18);
    osc.connect(gain).connect(ctx.destination);
    osc.start(at);
    osc.stop(at + 0.2);
  });
  return true;
}

export type DesktopPermission = 'granted' | 'denied' | 'default' | 'unsupported';

export function desktopPermission(): DesktopPermission {
  return 'Notification' in globalThis ? Notification.permission : 'unsupported';
}

/** Asks the browser for notification permission (from a click); resolves to the answer. */
export async function requestDesktop(): Promise<DesktopPermission> {
  if (!('Notification' in globalThis)) return 'unsupported';
  if (Notification.permission !== 'default') return Notification.permission;
  return Notification.requestPermission();
}

const TITLES = { vi: { warning: 'Argus – Cảnh báo', critical: 'Argus – Cảnh báo khẩn cấp' }, en: { warning: 'Argus – Warning', critical: 'Argus – Critical alert' } };
const notified = new Set<string>();

/** Notifies a new alert from the live push per the operator's choices; returns the channels used. */
export function notifyAlert(a: AlertRow): string[] {
  if (!shouldNotify(a) || notified.has(a.id)) return [];
  notified.add(a.id);
  if (notified.size > 1000) notified.clear();
  const prefs = loadPrefs();
  const via: string[] = [];
  if (prefs.sound && beep(a.severity)) via.push('sound');
  if (prefs.desktop && desktopPermission() === 'granted') {
    const words = TITLES[document.documentElement.lang === 'en' ? 'en' : 'vi'];
    const n = new Notification(words[a.severity === 'critical' ? 'critical' : 'warning'], { body: a.message, tag: a.id, requireInteraction: a.severity === 'critical' });
    n.onclick = () => {
      focus();
      location.hash = '#/alerts';
      n.close();
    };
    via.push('desktop');
  }
  if (via.length > 0) {
    document.documentElement.dataset['lastNotified'] = a.id;
    document.documentElement.dataset['lastNotifiedVia'] = via.join(' ');
  }
  return via;
}

// A reload keeps the sound choice, but the browser wants a gesture before audio: the first key or click unlocks it.
for (const type of ['pointerdown', 'keydown'] as const) {
  addEventListener(type, () => loadPrefs().sound && unlockAudio(), { once: true, capture: true });
}

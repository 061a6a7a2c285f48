import { useEffect, useState } from 'react';
import { beep, desktopPermission, loadPrefs, requestDesktop, savePrefs, unlockAudio, type NotifyPrefs } from '../alertNotifier';
import { api, get, type Camera, type Me } from '../api';
import { useMyCentre } from '../centre';
import { defineDict, useDict, useI18n } from '../i18n';
import type { LiveState } from '../live';
import './alerts.css';
import { CentreFilters, rememberedFilter } from './alerts/CentreFilters';
import { FaceMatchLine } from './alerts/faceMatch';
import { passes } from './alerts/filter';

const WORDS = defineDict({
  vi: {
    notify: 'Báo hiệu cảnh báo mới', sound: 'Âm thanh', desktop: 'Thông báo trên màn hình',
    hint: 'Chỉ cảnh báo mới, chưa xác nhận, mức Cảnh báo hoặc Khẩn cấp.',
    denied: 'Trình duyệt đang chặn thông báo của trang này: hãy cho phép trong cài đặt trang.',
    unsupported: 'Trình duyệt này không hỗ trợ thông báo trên màn hình.',
  },
  en: {
    notify: 'Signal new alerts', sound: 'Sound', desktop: 'Desktop notification',
    hint: 'New unacknowledged alerts of severity Warning or Critical only.',
    denied: 'The browser blocks notifications from this page: allow them in the site settings.',
    unsupported: 'This browser does not support desktop notifications.',
  },
});

/** The sound and desktop toggles, remembered in this browser (the notifier itself runs on every page). */
function NotifyToggles() {
  const w = useDict(WORDS);
  const [prefs, setPrefs] = useState<NotifyPrefs>(loadPrefs);
  const [problem, setProblem] = useState<'' | 'denied' | 'unsupported'>('');
  const save = (p: NotifyPrefs) => {
    savePrefs(p);
    setPrefs(p);
  };
  const toggleSound = (on: boolean) => {
    if (on) {
      unlockAudio(); // this click is the gesture the browser wants before audio
      beep('warning');
    }
    save({ ...prefs, sound: on });
  };
  const toggleDesktop = async (on: boolean) => {
    setProblem('');
    if (!on) return save({ ...prefs, desktop: false });
    const answer = desktopPermission() === 'granted' ? 'granted' : await requestDesktop();
    if (answer === 'granted') save({ ...prefs, desktop: true });
    else setProblem(answer === 'unsupported' ? 'unsupported' : 'denied');
  };
  return (
    <fieldset className="notify" data-testid="alert-notify">
      <legend>{w('notify')}</legend>
      <label><input type="checkbox" checked={prefs.sound} onChange={(e) => toggleSound(e.target.checked)} /> {w('sound')}</label>
      <label><input type="checkbox" checked={prefs.desktop} onChange={(e) => void toggleDesktop(e.target.checked)} /> {w('desktop')}</label>
      <span className="muted">{w('hint')}</span>
      {problem && <p className="error" role="alert">{w(problem)}</p>}
    </fieldset>
  );
}

export function AlertsPage({ live, me }: { live: LiveState; me: Me }) {
  const { t, fmtTime, kind } = useI18n();
  const [error, setError] = useState('');
  const canAck = me.permissions.includes('alerts.ack');
  const { mine, reload } = useMyCentre();
  const [picked, setPicked] = useState('');
  const [cameras, setCameras] = useState<Camera[]>([]);
  useEffect(() => setPicked(rememberedFilter(mine, me.username)), [mine, me.username]);
  useEffect(() => {
    if (mine?.centre) get<{ items: Camera[] }>('/api/cameras').then((r) => setCameras(r.items)).catch((e: unknown) => console.warn(e));
  }, [mine?.centre]);
  const filter = mine?.filters.find((f) => f.id === picked);
  const districtOf = (id: string) => cameras.find((c) => c.id === id)?.area.district ?? null;
  const shown = live.alerts.filter((a) => passes(filter, a, districtOf));
  const ack = async (id: string) => {
    try {
      await api('POST', `/api/alerts/${encodeURIComponent(id)}/ack`);
      live.markAcked(id, me.username);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <section className="page" aria-labelledby="alerts-title">
      <h1 id="alerts-title">{t('alerts')}</h1>
      <NotifyToggles />
      {mine?.centre && <CentreFilters mine={mine} username={me.username} cameras={cameras} picked={picked} onPick={setPicked} onChanged={reload} />}
      {error && <p className="error" role="alert">{error}</p>}
      {shown.length === 0 ? <p className="muted">{t('noAlerts')}</p> : (
        <ul className="alerts" data-testid="alerts" aria-live="polite">
          {shown.map((a) => (
            <li key={a.id} className={`alert sev-${a.severity} ${a.acknowledgedAtMs ? 'acked' : ''}`} data-testid="alert">
              <span className="sev">{kind(a.severity)}</span>
              <div className="body">
                <div className="msg">{a.kind === 'face_match' ? kind(a.kind) : a.message || kind(a.kind)}</div>
                {a.kind === 'face_match' && <FaceMatchLine a={a} mayView={me.permissions.includes('faces.view')} />}
                <div className="muted"><time>{fmtTime(a.atMs)}</time> · {kind(a.kind)}{a.cameraId ? ` · ${a.cameraId}` : ''}</div>
              </div>
              {a.acknowledgedAtMs ? <span className="muted">{t('acked')}</span>
                : canAck && <button type="button" onClick={() => void ack(a.id)}>{t('ack')}</button>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

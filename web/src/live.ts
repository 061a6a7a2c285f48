/** The live push (/api/live, Server-Sent Events): alerts, events and camera health, kept in React state. */
import { useEffect, useRef, useState } from 'react';
import { notifyAlert } from './alertNotifier';
import { get, type AlertRow, type CameraStatus, type LiveEvent } from './api';
import { fromLive, type EventItem } from './events';

export interface LiveState {
  connected: boolean;
  alerts: AlertRow[];
  events: EventItem[];
  health: Record<string, CameraStatus>;
  markAcked(id: string, by: string): void;
}

const MAX_ROWS = 200;

export function useLive(enabled: boolean): LiveState {
  const [connected, setConnected] = useState(false);
  const [alerts, setAlerts] = useState<AlertRow[]>([]);
  const [events, setEvents] = useState<EventItem[]>([]);
  const [health, setHealth] = useState<Record<string, CameraStatus>>({});
  const seen = useRef(new Set<string>());

  useEffect(() => {
    if (!enabled) return undefined;
    let closed = false;
    get<{ items: AlertRow[] }>('/api/alerts?limit=50')
      .then((r) => {
        if (closed) return;
        setAlerts((cur) => mergeAlerts(cur, r.items));
      })
      .catch((e: unknown) => console.warn('alerts', e));
    const es = new EventSource('/api/live');
    es.onopen = () => setConnected(true);
    es.onerror = () => {
      setConnected(false);
      // A closed stream may mean the session ended: a request tells (401 → login).
      if (es.readyState === EventSource.CLOSED) get('/api/auth/me').catch((e: unknown) => console.warn('live', e));
    };
    es.addEventListener('alert', (m) => {
      const a = JSON.parse((m as MessageEvent<string>).data) as AlertRow;
      setAlerts((cur) => mergeAlerts(cur, [a]));
      // New alerts only: those loaded at start above never sound, nor does an acknowledgement pushed by the service.
      if (!a.acknowledgedAtMs) notifyAlert(a);
    });
    es.addEventListener('event', (m) => {
      const e = fromLive(JSON.parse((m as MessageEvent<string>).data) as LiveEvent);
      if (!e || seen.current.has(e.id)) return;
      seen.current.add(e.id);
      if (seen.current.size > 2000) seen.current.clear();
      setEvents((cur) => [e, ...cur].slice(0, MAX_ROWS));
    });
    es.addEventListener('health', (m) => {
      const s = JSON.parse((m as MessageEvent<string>).data) as CameraStatus;
      setHealth((cur) => ({ ...cur, [s.id]: s }));
    });
    return () => {
      closed = true;
      es.close();
    };
  }, [enabled]);

  const markAcked = (id: string, by: string): void =>
    setAlerts((cur) => cur.map((a) => (a.id === id ? { ...a, acknowledgedBy: by, acknowledgedAtMs: Date.now() } : a)));
  return { connected, alerts, events, health, markAcked };
}

function mergeAlerts(cur: AlertRow[], add: AlertRow[]): AlertRow[] {
  const byId = new Map(cur.map((a) => [a.id, a]));
  for (const a of add) byId.set(a.id, { ...byId.get(a.id), ...a });
  return [...byId.values()].sort((a, b) => b.atMs - a.atMs).slice(0, MAX_ROWS);
}

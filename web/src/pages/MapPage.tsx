import { useEffect, useState } from 'react';
import { get, snapshotUrl, type Camera, type CameraStatus, type EventRow } from '../api';
import { fromRow, type EventItem } from '../events';
import { defineDict, useDict, useI18n, type Key } from '../i18n';
import type { LiveState } from '../live';
import { HEALTH_COLOURS, MapView } from '../MapView';
import type { Incident } from '@contract';
import { INCIDENT_LABELS } from '@contract/labels';

export function healthKey(h: string | undefined): Key {
  return (['online', 'degraded', 'offline', 'starting', 'disabled'] as const).find((k) => k === h) ?? 'unknown';
}

const WORDS = defineDict({
  vi: { worker: 'Máy phân tích', crowd: 'Tụ tập đông người', people: 'Số người hiện tại', crowdAt: 'người trong vùng', unacked: 'chưa xác nhận' },
  en: { worker: 'Worker', crowd: 'Crowd gathering', people: 'People now', crowdAt: 'people in zone', unacked: 'not acknowledged' },
});

export function MapPage({ live }: { live: LiveState }) {
  const { t, fmtTime, kind, lang } = useI18n();
  const w = useDict(WORDS);
  const [cameras, setCameras] = useState<Camera[]>([]);
  const [polled, setPolled] = useState<Record<string, CameraStatus>>({});
  const [selected, setSelected] = useState<string | null>(null);
  const [recent, setRecent] = useState<EventItem[]>([]);
  const [kindFilter, setKindFilter] = useState('');
  const [areaFilter, setAreaFilter] = useState('');
  useEffect(() => {
    get<{ items: Camera[] }>('/api/cameras').then((r) => setCameras(r.items)).catch((e: unknown) => console.warn(e));
    const poll = () => get<{ items: CameraStatus[] }>('/api/cameras/status').then((r) => setPolled(Object.fromEntries(r.items.map((s) => [s.id, s])))).catch((e: unknown) => console.warn(e));
    void poll();
    const timer = setInterval(() => void poll(), 10_000);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    if (!selected) return;
    get<{ items: EventRow[] }>(`/api/events?cameras=${encodeURIComponent(selected)}&limit=5`).then((r) => setRecent(r.items.map(fromRow))).catch((e: unknown) => console.warn(e));
  }, [selected]);
  // Open field incidents of the last day, again whenever an incident alert arrives.
  const [incidents, setIncidents] = useState<Incident[]>([]);
  const incidentAlerts = live.alerts.filter((a) => a.kind === 'incident').length;
  useEffect(() => {
    get<{ items: Incident[] }>(`/api/incidents?from=${Date.now() - 86_400_000}`).then((r) => setIncidents(r.items.filter((i) => i.status === 'open'))).catch((e: unknown) => console.warn(e));
  }, [incidentAlerts]);
  // Crowd alerts not acknowledged yet, by camera (the newest of each): the camera's marker pulses until someone acknowledges.
  const crowdAlerts = new Map<string, (typeof live.alerts)[number]>();
  for (const a of live.alerts) if (a.kind === 'crowd' && a.cameraId && !a.acknowledgedAtMs && (crowdAlerts.get(a.cameraId)?.atMs ?? 0) <= a.atMs) crowdAlerts.set(a.cameraId, a);
  const health = { ...polled, ...live.health };
  const kinds = [...new Set(cameras.map((c) => c.kind))].sort();
  const areas = [...new Set(cameras.map((c) => c.area?.district ?? '').filter(Boolean))].sort();
  const shown = cameras.filter((c) => (!kindFilter || c.kind === kindFilter) && (!areaFilter || c.area?.district === areaFilter));
  const cam = cameras.find((c) => c.id === selected);
  const camEvents = [...live.events.filter((e) => e.cameraId === selected), ...recent].filter((e, i, a) => a.findIndex((x) => x.id === e.id) === i).slice(0, 5);
  const online = cameras.filter((c) => health[c.id]?.health === 'online').length;
  const crowdText = (a: (typeof live.alerts)[number]): string => {
    const p = a.payload as { measurements?: { count?: number }; zoneId?: string } | null;
    const n = p && typeof p === 'object' && !Array.isArray(p) ? p.measurements?.count : undefined;
    return `${n ?? '?'} ${w('crowdAt')}${p?.zoneId ? ` ${p.zoneId}` : ''} · ${fmtTime(a.atMs)} · ${w('unacked')}`;
  };
  const popup = cam && (
    <div className="popup" data-testid="camera-popup">
      <h2>{cam.name}</h2>
      <Snapshot cameraId={cam.id} alt={cam.name} />
      <dl>
        <dt>{t('health')}</dt><dd><Health h={health[cam.id]?.health} /></dd>
        <dt>{t('fps')}</dt><dd>{health[cam.id]?.fps?.toFixed(1) ?? '–'}</dd>
        {health[cam.id]?.worker !== undefined && <><dt>{w('worker')}</dt><dd data-testid="popup-worker">{health[cam.id]?.worker?.name ?? '–'}</dd></>}
        <dt>{t('kind')}</dt><dd>{kind(cam.kind)}</dd>
        {crowdAlerts.has(cam.id) && <><dt>{w('crowd')}</dt><dd data-testid="popup-crowd" className="error">{crowdText(crowdAlerts.get(cam.id)!)}</dd></>}
        {health[cam.id]?.crowd && <><dt>{w('people')}</dt><dd data-testid="popup-people">{health[cam.id]!.crowd!.persons}</dd></>}
        {cam.owner && <><dt>{t('sharedBy')}</dt><dd data-testid="popup-owner">{cam.owner.name}</dd></>}
      </dl>
      <h3>{t('recentEvents')}</h3>
      {camEvents.length === 0 ? <p className="muted">{t('noEvents')}</p> : (
        <ul className="events">{camEvents.map((e) => <li key={e.id}><time>{fmtTime(e.atMs)}</time> {kind(e.kind)}</li>)}</ul>
      )}
    </div>
  );
  return (
    <div className="mappage">
      <aside className="sidebar" aria-labelledby="cams-title">
        <h1 id="cams-title">{t('cameraList')}</h1>
        <p className="muted" data-testid="online-count">{online}/{cameras.length} {t('statusLine')}</p>
        <div className="filters">
          <label htmlFor="f-kind">{t('kind')}</label>
          <select id="f-kind" value={kindFilter} onChange={(e) => setKindFilter(e.target.value)}>
            <option value="">{t('filterAll')}</option>
            {kinds.map((k) => <option key={k} value={k}>{kind(k)}</option>)}
          </select>
          <label htmlFor="f-area">{t('area')}</label>
          <select id="f-area" value={areaFilter} onChange={(e) => setAreaFilter(e.target.value)}>
            <option value="">{t('filterAll')}</option>
            {areas.map((a) => <option key={a} value={a}>{a}</option>)}
          </select>
        </div>
        <ul className="camlist">
          {shown.map((c) => (
            <li key={c.id}>
              <button type="button" data-testid="camera-item" aria-pressed={selected === c.id} onClick={() => setSelected(c.id)}>
                <span className="dot" style={{ background: HEALTH_COLOURS[health[c.id]?.health ?? 'unknown'] }} aria-hidden="true" />
                <span className="name">{c.name}{c.owner && <span className="badge owner" data-testid="owner-badge" title={`${t('sharedBy')} ${c.owner.name}`}>{c.owner.name}</span>}</span>
                <span className="meta">{t(healthKey(health[c.id]?.health))} · {c.area?.district ?? ''}</span>
              </button>
            </li>
          ))}
        </ul>
        <h2 className="small">{t('recentEvents')}</h2>
        <ul className="events feed" data-testid="live-events" aria-live="polite">
          {live.events.slice(0, 12).map((e) => (
            <li key={e.id}><time>{fmtTime(e.atMs)}</time> <b>{kind(e.kind)}</b> {cameras.find((c) => c.id === e.cameraId)?.name ?? e.cameraId}</li>
          ))}
        </ul>
      </aside>
      <MapView cameras={shown} health={health} selected={selected} onSelect={setSelected} popup={popup} label={t('map')}
        crowds={shown.filter((c) => c.location && crowdAlerts.has(c.id)).map((c) => ({ cameraId: c.id, at: [c.location!.lng, c.location!.lat], title: `${w('crowd')}: ${c.name} · ${crowdText(crowdAlerts.get(c.id)!)}` }))}
        incidents={incidents.map((i) => ({ id: i.id, at: [i.location.lng, i.location.lat], title: `${INCIDENT_LABELS[i.type][lang]} · ${fmtTime(i.atMs)}${i.description ? ` · ${i.description}` : ''}`, severe: ['accident', 'fire', 'fight'].includes(i.type) }))} />
      <div className="legend" aria-hidden="true">
        {(['online', 'degraded', 'offline', 'starting'] as const).map((h) => <span key={h}><i style={{ background: HEALTH_COLOURS[h] }} />{t(h)}</span>)}
      </div>
    </div>
  );
}

export function Health({ h }: { h: string | undefined }) {
  const { t } = useI18n();
  return <span className="health"><i style={{ background: HEALTH_COLOURS[h ?? 'unknown'] }} aria-hidden="true" />{t(healthKey(h))}</span>;
}

/** The live still of a camera, refreshed every 5 s; nothing when the service has no snapshot for it. */
function Snapshot({ cameraId, alt }: { cameraId: string; alt: string }) {
  const [bust, setBust] = useState(() => Date.now());
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    setFailed(false);
    const timer = setInterval(() => setBust(Date.now()), 5000);
    return () => clearInterval(timer);
  }, [cameraId]);
  if (failed) return null;
  return <img className="snapshot" src={snapshotUrl(cameraId, bust)} alt={alt} width={320} height={180} onError={() => setFailed(true)} />;
}

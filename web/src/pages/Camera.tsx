/**
 * One camera (`#/camera/<id>`): live view, health, recent events, per-minute counts and the recording timeline with
 * playback. Health is polled every 5 s and at once when the live push reports a change.
 */
import { useEffect, useState } from 'react';
import type { PageProps } from '../App';
import { ApiError, get, type Camera } from '../api';
import { defineDict, useDict, useI18n } from '../i18n';
import './camera/camera.css';
import { CountsChart } from './camera/CountsChart';
import { EventList } from './camera/EventList';
import { HealthPanel } from './camera/HealthPanel';
import { HeatmapPanel } from './camera/HeatmapPanel';
import { OverlayToggle } from './camera/AnalysisOverlay';
import { LiveView } from './camera/LiveView';
import { RecordingTimeline } from './camera/RecordingTimeline';

const WORDS = defineDict({
  vi: {
    back: 'Màn hình camera', setup: 'Cấu hình', setupLabel: 'Cấu hình camera', live: 'Hình ảnh trực tiếp', notFound: 'Không tìm thấy camera này, hoặc bạn không được xem nó.',
    noId: 'Chưa chọn camera.', failed: 'Không tải được thông tin camera', loading: 'Đang tải…', noCounts: 'Vai trò của bạn không được xem số đếm.',
  },
  en: {
    back: 'Camera wall', setup: 'Set up', setupLabel: 'Set up the camera', live: 'Live picture', notFound: 'This camera does not exist, or you may not view it.',
    noId: 'No camera chosen.', failed: 'The camera could not be loaded', loading: 'Loading…', noCounts: 'Your role may not view counts.',
  },
});

export function CameraPage({ live, me, params }: PageProps) {
  const w = useDict(WORDS);
  const { kind } = useI18n();
  const cameraId = params[0] ?? '';
  const [cam, setCam] = useState<Camera | null>(null);
  const [error, setError] = useState<'notFound' | 'failed' | null>(null);
  const [overlay, setOverlay] = useState(false);
  const pushed = live.health[cameraId];
  useEffect(() => {
    if (!cameraId) return undefined;
    let closed = false;
    const load = () => get<Camera>(`/api/cameras/${encodeURIComponent(cameraId)}`)
      .then((c) => {
        if (closed) return;
        setCam(c);
        setError(null);
      })
      .catch((e: unknown) => {
        if (closed) return;
        console.warn('camera', e);
        setError(e instanceof ApiError && (e.status === 404 || e.status === 403) ? 'notFound' : 'failed');
      });
    void load();
    const timer = setInterval(() => void load(), 5000);
    return () => {
      closed = true;
      clearInterval(timer);
    };
  }, [cameraId, pushed]);
  useEffect(() => setCam(null), [cameraId]);

  if (!cameraId) return <section className="page"><p className="notice">{w('noId')} <a href="#/wall">{w('back')}</a></p></section>;
  if (error === 'notFound') return <section className="page"><p className="notice" role="alert">{w('notFound')} <a href="#/wall">{w('back')}</a></p></section>;
  if (!cam) return <section className="page">{error ? <p className="error" role="alert">{w('failed')}</p> : <p className="loading" aria-busy="true">{w('loading')}</p>}</section>;

  const area = [cam.area?.ward, cam.area?.district].filter(Boolean).join(', ');
  return (
    <section className="page camerapage" aria-labelledby="camera-title" data-testid="camera-page">
      <div className="toolbar">
        <a href="#/wall" className="back">← {w('back')}</a>
        <h1 id="camera-title">{cam.name}</h1>
        <span className="muted">{kind(cam.kind)}{area && ` · ${area}`}</span>
        {error === 'failed' && <span className="error" role="alert">{w('failed')}</span>}
        {me.permissions.includes('cameras.write') && (
          <a className="button-link" href={`#/editor/${encodeURIComponent(cam.id)}`} aria-label={`${w('setupLabel')}: ${cam.name}`}>{w('setup')}</a>
        )}
      </div>
      <div className="camera-grid">
        <section className="card live-card" aria-label={w('live')}>
          {cam.enabled && cam.status?.health !== 'disabled' && <div className="live-tools"><OverlayToggle on={overlay} onChange={setOverlay} name={cam.name} /></div>}
          <LiveView cameraId={cam.id} name={cam.name} mode="hls" off={!cam.enabled || cam.status?.health === 'disabled'} overlay={overlay} />
        </section>
        <div className="camera-side">
          <HealthPanel status={cam.status} />
          <EventList cameraId={cam.id} live={live.events} mayReadViolations={me.permissions.includes('violations.read')} />
        </div>
        {me.permissions.includes('counts.read') ? <CountsChart cameraId={cam.id} /> : <p className="muted">{w('noCounts')}</p>}
        {me.permissions.includes('counts.read') && <HeatmapPanel cameraId={cam.id} name={cam.name} crowd={cam.status?.crowd} />}
        <RecordingTimeline cameraId={cam.id} recordingNow={cam.status?.recording?.running === true} />
      </div>
    </section>
  );
}

/**
 * The system tab: the service's health (store, detectors, what is wrong) and, in the scaled mode, the workers that
 * analyse the cameras, each with its load against its capacity (camera-frames per second), its cameras, memory and
 * the age of its last heartbeat. Refreshed every 5 s.
 */
import { useEffect, useState } from 'react';
import { get } from '../../api';
import { defineDict, useDict, useI18n } from '../../i18n';
import type { Health } from '@contract';
import { formatAge } from '../camera/HealthPanel';

const WORDS = defineDict({
  vi: {
    service: 'Dịch vụ', ok: 'Bình thường', degraded: 'Có sự cố', store: 'Cơ sở dữ liệu', uptime: 'Thời gian chạy', problems: 'Sự cố', none: 'Không có',
    workers: 'Máy phân tích', singleBox: 'Một máy: các camera được phân tích ngay trong dịch vụ này.', noWorkers: 'Chưa có máy phân tích nào đang chạy.',
    name: 'Tên', host: 'Máy chủ', load: 'Tải (khung hình/giây)', cameras: 'Camera', memory: 'Bộ nhớ', heartbeat: 'Nhịp cuối', ago: 'trước', loading: 'Đang tải…',
    cameraLine: 'camera', online: 'trực tuyến', offline: 'mất kết nối',
  },
  en: {
    service: 'Service', ok: 'Healthy', degraded: 'Degraded', store: 'Database', uptime: 'Uptime', problems: 'Problems', none: 'None',
    workers: 'Workers', singleBox: 'Single box: the cameras are analysed inside this service.', noWorkers: 'No worker is running.',
    name: 'Name', host: 'Host', load: 'Load (frames/s)', cameras: 'Cameras', memory: 'Memory', heartbeat: 'Last heartbeat', ago: 'ago', loading: 'Loading…',
    cameraLine: 'cameras', online: 'online', offline: 'offline',
  },
});

export function SystemTab() {
  const w = useDict(WORDS);
  const { lang } = useI18n();
  const [health, setHealth] = useState<Health | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    const load = () => get<Health>('/api/health').then((h) => { setHealth(h); setError(''); }).catch((e: unknown) => setError((e as Error).message));
    void load();
    const timer = setInterval(() => void load(), 5000);
    return () => clearInterval(timer);
  }, []);
  if (!health) return <p className="muted">{error || w('loading')}</p>;
  const nf = (v: number, d = 0) => v.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: d });
  return (
    <div className="system">
      {error && <p className="notice" role="alert">{error}</p>}
      <dl className="facts" data-testid="system-service" data-status={health.status}>
        <dt>{w('service')}</dt><dd>{w(health.status)}</dd>
        <dt>{w('store')}</dt><dd>{health.store}</dd>
        <dt>{w('uptime')}</dt><dd>{formatAge(health.uptimeSec * 1000, lang)}</dd>
        <dt>{w('cameras')}</dt><dd>{nf(health.cameras.total)} {w('cameraLine')} · {nf(health.cameras.online)} {w('online')} · {nf(health.cameras.offline)} {w('offline')}</dd>
        <dt>{w('problems')}</dt><dd>{health.problems.length === 0 ? w('none') : <ul>{health.problems.map((p) => <li key={p}>{p}</li>)}</ul>}</dd>
      </dl>
      <h3>{w('workers')}</h3>
      {!health.workers ? <p className="muted">{w('singleBox')}</p> : health.workers.length === 0 ? <p className="notice" role="status">{w('noWorkers')}</p> : (
        <table className="grid" data-testid="workers-table">
          <thead><tr><th>{w('name')}</th><th>{w('host')}</th><th>{w('load')}</th><th>{w('cameras')}</th><th>{w('memory')}</th><th>{w('heartbeat')}</th></tr></thead>
          <tbody>
            {health.workers.map((wk) => {
              const ratio = wk.capacity > 0 ? wk.load / wk.capacity : 1;
              return (
                <tr key={wk.name} data-worker={wk.name}>
                  <td>{wk.name}</td>
                  <td>{wk.host}</td>
                  <td>
                    <meter className="load" min={0} max={1} low={0.7} high={0.9} optimum={0.3} value={Math.min(ratio, 1)} aria-label={`${w('load')} ${wk.name}`} />
                    {' '}{nf(wk.load, 1)} / {nf(wk.capacity, 1)} ({nf(ratio * 100)} %)
                  </td>
                  <td>{nf(wk.cameras)}</td>
                  <td>{nf(wk.rssMb)} MB</td>
                  <td>{formatAge(wk.heartbeatAgeMs, lang)} {w('ago')}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

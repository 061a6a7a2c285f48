import { useState } from 'react';
import { api, type Me } from '../api';
import { useI18n } from '../i18n';
import type { LiveState } from '../live';

export function AlertsPage({ live, me }: { live: LiveState; me: Me }) {
  const { t, fmtTime, kind } = useI18n();
  const [error, setError] = useState('');
  const canAck = me.permissions.includes('alerts.ack');
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
      {error && <p className="error" role="alert">{error}</p>}
      {live.alerts.length === 0 ? <p className="muted">{t('noAlerts')}</p> : (
        <ul className="alerts" data-testid="alerts" aria-live="polite">
          {live.alerts.map((a) => (
            <li key={a.id} className={`alert sev-${a.severity} ${a.acknowledgedAtMs ? 'acked' : ''}`} data-testid="alert">
              <span className="sev">{kind(a.severity)}</span>
              <div className="body">
                <div className="msg">{a.message}</div>
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

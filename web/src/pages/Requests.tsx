/**
 * Sharing requests (`#/requests`, Yêu cầu chia sẻ): a partner (or an investigator) asks for footage, a plate trace or a
 * violation's evidence with a reason and a legal basis, and follows its status; an approver (supervisor, admin) sees
 * the queue of his area and approves (with an expiry) or refuses (with a reason) in a dialog, downloads the signed
 * package, copies the read-only link, or revokes it. The service decides who sees what (/api/requests, audited).
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { PageProps } from '../App';
import { api, get } from '../api';
import { useDict, useI18n } from '../i18n';
import { REQUESTS_CHANGED } from '../pendingRequests';
import type { ShareRequest } from '@contract';
import { WORDS, type Word } from './requests/words';
import './admin/admin.css';
import './requests/requests.css';

const HOUR = 3_600_000;
/** A datetime-local value in Vietnam's time (UTC+7). */
const localInput = (ms: number): string => new Date(ms + 7 * HOUR).toISOString().slice(0, 16);
const fromLocal = (v: string): number => Date.parse(`${v}:00+07:00`);
type Kind = ShareRequest['kind'];

function NewRequest({ onSent }: { onSent: () => void }) {
  const w = useDict(WORDS);
  const [kind, setKind] = useState<Kind>('footage');
  const [subject, setSubject] = useState('');
  const [from, setFrom] = useState(() => localInput(Date.now() - HOUR));
  const [to, setTo] = useState(() => localInput(Date.now() - HOUR / 2));
  const [reason, setReason] = useState('');
  const [legalBasis, setLegalBasis] = useState('');
  const [agency, setAgency] = useState('');
  const [msg, setMsg] = useState('');
  const send = (e: FormEvent): void => {
    e.preventDefault();
    const what = kind === 'footage' ? { cameraId: subject.trim() } : kind === 'plate_trace' ? { plate: subject.trim() } : { violationId: subject.trim() };
    const window = kind === 'evidence' ? {} : { fromMs: fromLocal(from), toMs: fromLocal(to) };
    api('POST', '/api/requests', { kind, ...what, ...window, reason, legalBasis, ...(agency.trim() ? { agency: agency.trim() } : {}) })
      .then(() => { setMsg(w('sent')); setReason(''); setSubject(''); onSent(); })
      .catch((err: Error) => setMsg(`${w('notDone')}: ${err.message}`));
  };
  const subjectLabel: Word = kind === 'footage' ? 'camera' : kind === 'plate_trace' ? 'plate' : 'violation';
  return (
    <form className="req-form" onSubmit={send} data-testid="request-form" aria-labelledby="req-new">
      <h2 id="req-new">{w('newRequest')}</h2>
      <label>{w('kind')}
        <select value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
          {(['footage', 'plate_trace', 'evidence'] as const).map((k) => <option key={k} value={k}>{w(k)}</option>)}
        </select>
      </label>
      <label>{w(subjectLabel)}<input required maxLength={64} value={subject} onChange={(e) => setSubject(e.target.value)} spellCheck={false} /></label>
      {kind !== 'evidence' && <label>{w('from')}<input type="datetime-local" required value={from} onChange={(e) => setFrom(e.target.value)} /></label>}
      {kind !== 'evidence' && <label>{w('to')}<input type="datetime-local" required value={to} onChange={(e) => setTo(e.target.value)} /></label>}
      <label className="wide">{w('reason')}<textarea required minLength={3} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} /></label>
      <label className="wide">{w('legalBasis')}<input required minLength={3} maxLength={500} value={legalBasis} onChange={(e) => setLegalBasis(e.target.value)} /></label>
      <label>{w('agency')}<input maxLength={200} value={agency} onChange={(e) => setAgency(e.target.value)} /></label>
      <div className="wide"><button type="submit">{w('send')}</button> {msg && <span role="status" className="muted">{msg}</span>}</div>
    </form>
  );
}

function Decide({ req, mode, onDone, onClose }: { req: ShareRequest; mode: 'approve' | 'refuse'; onDone: () => void; onClose: () => void }) {
  const w = useDict(WORDS);
  const [text, setText] = useState('');
  const [hours, setHours] = useState(72);
  const [error, setError] = useState('');
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const body = mode === 'approve' ? { ...(text.trim() ? { note: text.trim() } : {}), expiresAtMs: Date.now() + hours * HOUR } : { reason: text };
    api('POST', `/api/requests/${encodeURIComponent(req.id)}/${mode}`, body).then(onDone).catch((err: Error) => setError(`${w('notDone')}: ${err.message}`));
  };
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => { if (e.key === 'Escape') onClose(); };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div className="modal-backdrop" onClick={(e) => { if (e.target === e.currentTarget) onClose(); }}>
      <section className="modal req-dialog" role="dialog" aria-modal="true" aria-labelledby="req-decide" data-testid="request-dialog">
        <header className="modal-head">
          <h2 id="req-decide">{w(mode === 'approve' ? 'approveTitle' : 'refuseTitle')}</h2>
          <button type="button" onClick={onClose} aria-label={w('close')}>×</button>
        </header>
        <p><strong>{w(req.kind)}</strong> · {req.agency} · {req.reason}</p>
        <p className="muted">{w('legalBasis')}: {req.legalBasis}</p>
        <form onSubmit={submit}>
          <label htmlFor="req-text">{w(mode === 'approve' ? 'note' : 'refuseReason')}</label>
          <textarea id="req-text" autoFocus required={mode === 'refuse'} minLength={mode === 'refuse' ? 3 : 0} maxLength={2000} value={text} onChange={(e) => setText(e.target.value)} />
          {mode === 'approve' && <>
            <label htmlFor="req-hours">{w('expiryHours')}</label>
            <input id="req-hours" type="number" min={1} max={720} required value={hours} onChange={(e) => setHours(Number(e.target.value))} />
          </>}
          {error && <p role="alert" className="error">{error}</p>}
          <div className="buttons">
            <button type="submit" className={mode === 'refuse' ? 'danger' : ''}>{w(mode === 'approve' ? 'confirmApprove' : 'confirmRefuse')}</button>
            <button type="button" className="ghost" onClick={onClose}>{w('cancel')}</button>
          </div>
        </form>
      </section>
    </div>
  );
}

export function RequestsPage({ me }: PageProps) {
  const w = useDict(WORDS);
  const { fmtTime } = useI18n();
  const [items, setItems] = useState<ShareRequest[] | null>(null);
  const [error, setError] = useState('');
  const [deciding, setDeciding] = useState<{ req: ShareRequest; mode: 'approve' | 'refuse' } | null>(null);
  const [copied, setCopied] = useState('');
  const mayAsk = me.permissions.includes('requests.create');
  const mayApprove = me.permissions.includes('requests.approve');
  const load = useCallback((): void => {
    get<{ items: ShareRequest[] }>('/api/requests').then((r) => {
      setItems(r.items);
      setError('');
      dispatchEvent(new Event(REQUESTS_CHANGED));
    }).catch((e: Error) => setError(e.message));
  }, []);
  // Every 15 s; every 2 s while a package is being built, so its progress moves.
  const building = items?.some((r) => r.status === 'preparing') ?? false;
  useEffect(() => {
    load();
    const t = setInterval(load, building ? 2_000 : 15_000);
    return () => clearInterval(t);
  }, [load, building]);
  const revoke = (r: ShareRequest): void => {
    api('POST', `/api/requests/${encodeURIComponent(r.id)}/revoke`).then(load).catch((e: Error) => setError(e.message));
  };
  const copy = (r: ShareRequest): void => {
    const url = `${location.origin}${r.link ?? ''}`;
    void navigator.clipboard?.writeText(url).catch(() => undefined);
    setCopied(r.id);
  };
  const material = (r: ShareRequest): string => {
    const subject = r.kind === 'footage' ? r.cameraId : r.kind === 'plate_trace' ? r.plate : r.violationId;
    const span = r.fromMs !== null && r.toMs !== null ? ` · ${fmtTime(r.fromMs)} – ${fmtTime(r.toMs)}` : '';
    return `${subject ?? ''}${span}`;
  };

  return (
    <section className="requests" data-testid="requests" aria-labelledby="req-title">
      <h1 id="req-title">{w('title')}</h1>
      <p className="muted">{w('intro')}</p>
      {mayAsk && <NewRequest onSent={load} />}
      <h2>{w('list')}</h2>
      {error && <p role="alert" className="error">{error}</p>}
      {items && items.length === 0 && <p className="muted">{w('none')}</p>}
      {items && items.length > 0 && (
        <div className="req-table-wrap">
          <table className="req-table" data-testid="request-list">
            <thead><tr><th>{w('created')}</th><th>{w('kind')}</th><th>{w('material')}</th><th>{w('requester')}</th><th>{w('status')}</th><th>{w('decision')}</th><th>{w('actions')}</th></tr></thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id} data-request={r.id} data-status={r.status}>
                  <td>{fmtTime(r.createdAtMs)}</td>
                  <td>{w(r.kind)}</td>
                  <td><span className="mono">{material(r)}</span><div className="muted small">{r.reason}</div><div className="muted small">{w('legalBasis')}: {r.legalBasis}</div></td>
                  <td>{r.agency}<div className="muted small">{r.requesterName}</div></td>
                  <td>
                    <span className={`pill st-${r.status}`}>{w(r.status)}</span>
                    {r.status === 'preparing' && r.progress !== null && (
                      <div className="req-progress" data-testid="request-progress">
                        <progress max={1} value={r.progress} aria-label={w('building')} /> <span className="small">{Math.round(r.progress * 100)} %</span>
                        <div className="muted small">{w('building')}</div>
                      </div>
                    )}
                    {r.status === 'failed' && r.buildError && <div className="muted small" data-testid="request-build-error">{r.buildError}</div>}
                  </td>
                  <td>
                    {r.deciderName && <div>{w('by')} {r.deciderName}{r.decidedAtMs !== null ? ` · ${fmtTime(r.decidedAtMs)}` : ''}</div>}
                    {r.decisionReason && <div className="muted small">{r.decisionReason}</div>}
                    {r.expiresAtMs !== null && <div className="small">{w('until')} {fmtTime(r.expiresAtMs)}</div>}
                  </td>
                  <td><div className="req-actions">
                    {mayApprove && r.status === 'failed' && <button type="button" onClick={() => setDeciding({ req: r, mode: 'approve' })}>{w('approveAgain')}</button>}
                    {mayApprove && r.status === 'preparing' && <button type="button" className="ghost" onClick={() => revoke(r)}>{w('revoke')}</button>}
                    {mayApprove && r.status === 'pending' && <>
                      <button type="button" onClick={() => setDeciding({ req: r, mode: 'approve' })}>{w('approve')}</button>
                      <button type="button" className="danger" onClick={() => setDeciding({ req: r, mode: 'refuse' })}>{w('refuse')}</button>
                    </>}
                    {r.status === 'approved' && <>
                      <a className="button" href={`/api/requests/${encodeURIComponent(r.id)}/package`} download data-testid="request-download">{w('download')}</a>
                      {r.link && <button type="button" className="ghost" onClick={() => copy(r)}>{w('copyLink')}</button>}
                      {r.link && <input className="req-link" readOnly aria-label={w('link')} value={`${location.origin}${r.link}`} onFocus={(e) => e.currentTarget.select()} data-testid="request-link" />}
                      {copied === r.id && <span role="status" className="muted small">{w('copied')}</span>}
                      {mayApprove && <button type="button" className="ghost" onClick={() => revoke(r)}>{w('revoke')}</button>}
                    </>}
                  </div></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {deciding && <Decide req={deciding.req} mode={deciding.mode} onClose={() => setDeciding(null)} onDone={() => { setDeciding(null); load(); }} />}
    </section>
  );
}

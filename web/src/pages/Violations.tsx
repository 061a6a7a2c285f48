import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import type { Page, ViolationStatus } from '@contract';
import { api, get, type Me, type Violation, type ViolationDetail } from '../api';
import { useI18n, type Key } from '../i18n';
import { measureRows } from './violations/measures';

type Status = ViolationStatus;

/** Loaded with the first violation shown, so the pictures' code stays out of the first page load. */
const EvidenceViewer = lazy(() => import('./violations/EvidenceViewer'));

export function ViolationsPage({ me }: { me: Me }) {
  const { t, fmtTime, kind } = useI18n();
  const [status, setStatus] = useState<Status>('pending');
  const [items, setItems] = useState<Violation[]>([]);
  const [index, setIndex] = useState(0);
  const [detail, setDetail] = useState<ViolationDetail | null>(null);
  const [reason, setReason] = useState('');
  const [msg, setMsg] = useState('');
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const canReview = me.permissions.includes('violations.review');
  const load = useCallback(() => {
    get<Page<Violation>>(`/api/violations?status=${status}&limit=100`).then((r) => setItems(r.items)).catch((e: unknown) => setMsg((e as Error).message));
  }, [status]);
  useEffect(load, [load]);
  const current = items[Math.min(index, items.length - 1)];
  useEffect(() => {
    setDetail(null);
    if (!current) return;
    get<ViolationDetail>(`/api/violations/${encodeURIComponent(current.id)}`).then(setDetail).catch((e: unknown) => setMsg((e as Error).message));
  }, [current?.id]); // deps deliberately partial: only these re-run it

  const decide = useCallback(async (decision: 'confirmed' | 'rejected') => {
    if (!current) return;
    if (!reason.trim()) {
      setMsg(t('reasonNeeded'));
      reasonRef.current?.focus();
      return;
    }
    try {
      await api('POST', `/api/violations/${encodeURIComponent(current.id)}/review`, { decision, reason: reason.trim(), expectedStatus: current.status });
      setReason('');
      // The decided violation leaves a queue of another status at once, with the message (the reload follows).
      if (decision !== status) setItems((xs) => xs.filter((x) => x.id !== current.id));
      setMsg(`${current.plateDisplay ?? current.id}: ${t(decision)}`);
      load();
    } catch (e) {
      setMsg((e as Error).message);
    }
  }, [current, reason, status, t, load]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement;
      if (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      // The clip's own controls and the enlarged picture keep their keys (a reviewer watching the clip must not skip away).
      if (el.tagName === 'VIDEO' || el.tagName === 'AUDIO' || el.closest?.('dialog[open]')) return;
      if (e.key === 'j') setIndex((i) => Math.min(i + 1, Math.max(items.length - 1, 0)));
      else if (e.key === 'k') setIndex((i) => Math.max(i - 1, 0));
      else if ((e.key === 'c' || e.key === 'r') && canReview) {
        if (!reason.trim()) {
          e.preventDefault();
          setMsg(t('reasonNeeded'));
          reasonRef.current?.focus();
        } else void decide(e.key === 'c' ? 'confirmed' : 'rejected');
      } else return;
      e.preventDefault();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [items.length, canReview, decide, reason, t]);

  return (
    <section className="page violations" aria-labelledby="v-title">
      <div className="toolbar">
        <h1 id="v-title">{t('violations')}</h1>
        <label htmlFor="v-status">{t('status')}</label>
        <select id="v-status" value={status} onChange={(e) => { setStatus(e.target.value as Status); setIndex(0); }}>
          {(['pending', 'confirmed', 'rejected'] as const).map((s) => <option key={s} value={s}>{t(s)}</option>)}
        </select>
        <span className="muted kbd">{t('shortcuts')}</span>
      </div>
      {msg && <p className="notice" role="status">{msg}</p>}
      <div className="split">
        <ol className="queue" data-testid="violation-queue" aria-label={t('violations')}>
          {items.length === 0 && <li className="muted">{t('noViolations')}</li>}
          {items.map((v, i) => (
            <li key={v.id}>
              <button type="button" aria-current={current?.id === v.id ? 'true' : undefined} onClick={() => setIndex(i)}>
                <b className="plate">{v.plateDisplay ?? '—'}</b> <span>{kind(v.kind)}</span>
                <span className="muted">{fmtTime(v.atMs)} · {v.cameraId}</span>
              </button>
            </li>
          ))}
        </ol>
        {current && (
          <article className="detail" data-testid="violation-detail" aria-label={current.plateDisplay ?? current.id}>
            <h2><span className="plate big">{current.plateDisplay ?? '—'}</span> {kind(current.kind)} <span className={`pill ${current.status}`}>{t(current.status as Key)}</span></h2>
            <p className="muted">{fmtTime(current.atMs)} · {current.cameraId}</p>
            <h3>{t('measurements')}</h3>
            <Measurements details={current.details} />
            <h3>{t('evidence')}</h3>
            {detail?.id === current.id ? (
              <Suspense fallback={<p className="muted">…</p>}><EvidenceViewer key={detail.id} violation={detail} /></Suspense>
            ) : <p className="muted">…</p>}
            {detail && detail.history.length > 0 && (<>
              <h3>{t('history')}</h3>
              <ul>{detail.history.map((h, i) => <li key={i}>{fmtTime(h.atMs)} {h.reviewer}: {h.fromStatus} → {h.toStatus} ({h.reason})</li>)}</ul>
            </>)}
            {canReview && (
              <div className="review">
                <label htmlFor="reason">{t('reason')}</label>
                <textarea id="reason" ref={reasonRef} rows={2} value={reason} onChange={(e) => setReason(e.target.value)}
                  onKeyDown={(e) => { if (e.key === 'Escape') (e.target as HTMLElement).blur(); }} />
                <div className="buttons">
                  <button type="button" className="primary" onClick={() => void decide('confirmed')} aria-keyshortcuts="c">{t('confirm')} (c)</button>
                  <button type="button" className="danger" onClick={() => void decide('rejected')} aria-keyshortcuts="r">{t('reject')} (r)</button>
                </div>
              </div>
            )}
          </article>
        )}
      </div>
    </section>
  );
}

function Measurements({ details }: { details: Violation['details'] }) {
  const { lang, cls } = useI18n();
  const rows = measureRows(details, lang, cls);
  if (rows.length === 0) return <p className="muted">—</p>;
  return (
    <dl className="measure" data-testid="measurements">
      {rows.map((r) => <div key={r.key} className={r.main ? 'main' : undefined} data-key={r.key}><dt>{r.label}</dt><dd>{r.value}</dd></div>)}
    </dl>
  );
}

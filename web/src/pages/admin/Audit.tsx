/** The audit log: filters (actor, action, time), cursor paging, and a check of the hash chain. */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { get, type Me } from '../../api';
import { useDict, useI18n } from '../../i18n';
import { vnLocalToMs } from './csv';
import type { AuditRow, AuditVerification, Page, User } from '@contract';
import { may } from './may';
import { WORDS } from './words';

const PAGE_SIZE = 50;
/** Actions the service writes (the filter takes any other too). */
const ACTIONS = [
  'auth.login', 'auth.login_failed', 'auth.logout', 'user.create', 'user.edit', 'user.delete', 'apikey.create', 'apikey.revoke',
  'watchlist.view', 'watchlist.create', 'watchlist.edit', 'watchlist.delete', 'watchlist.entries_add', 'watchlist.entry_remove', 'watchlist.import',
  'violation.review', 'alert.ack', 'plate.search', 'plate.trace', 'plate.view', 'footage.view', 'evidence.view', 'export.csv', 'export.notice',
  'camera.add', 'camera.edit', 'camera.remove', 'site.upsert', 'site.delete', 'audit.read',
];

interface Filter { actor: string; action: string; from: string; to: string }
const EMPTY: Filter = { actor: '', action: '', from: '', to: '' };

export function AuditTab({ me }: { me: Me }) {
  const w = useDict(WORDS);
  const { fmtTime } = useI18n();
  const [users, setUsers] = useState<User[]>([]);
  const [draft, setDraft] = useState<Filter>(EMPTY);
  const [filter, setFilter] = useState<Filter>(EMPTY);
  /** Cursors of the pages seen so far: [undefined (first), cursor of page 2, …]. */
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [page, setPage] = useState<Page<AuditRow> | null>(null);
  const [verify, setVerify] = useState<AuditVerification | 'busy' | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    if (may(me.permissions, 'users.read')) get<{ items: User[] }>('/api/users').then((r) => setUsers(r.items)).catch(() => undefined); // names only help
  }, [me.permissions]);
  const nameOf = useCallback((actor: string, details: Record<string, unknown>) => {
    const u = users.find((x) => x.id === actor);
    return u?.username ?? (typeof details['username'] === 'string' ? details['username'] : actor);
  }, [users]);

  const cursor = cursors[cursors.length - 1];
  useEffect(() => {
    const q = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (filter.actor) q.set('actor', filter.actor);
    if (filter.action.trim()) q.set('action', filter.action.trim());
    const from = vnLocalToMs(filter.from);
    const to = vnLocalToMs(filter.to);
    if (from !== null) q.set('from', String(from));
    if (to !== null) q.set('to', String(to));
    if (cursor) q.set('cursor', cursor);
    setError('');
    get<Page<AuditRow>>(`/api/audit?${q}`).then(setPage).catch((e: unknown) => setError((e as Error).message));
  }, [filter, cursor]);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    // The log names actors by user id (or apikey:<id>); a username typed here is looked up.
    const actor = draft.actor.trim();
    setFilter({ ...draft, actor: users.find((u) => u.username === actor)?.id ?? actor });
    setCursors([undefined]);
  };
  const runVerify = async () => {
    setVerify('busy');
    try {
      setVerify(await get<AuditVerification>('/api/audit/verify'));
    } catch (e) {
      setVerify(null);
      setError((e as Error).message);
    }
  };
  const set = (k: keyof Filter) => (e: { target: { value: string } }) => setDraft({ ...draft, [k]: e.target.value });

  return (
    <div className="admin-audit">
      <div className="verify-row">
        <button type="button" className="primary" onClick={() => void runVerify()} disabled={verify === 'busy'}>{verify === 'busy' ? w('verifying') : w('verify')}</button>
        {verify && verify !== 'busy' && (verify.ok
          ? <p className="chain ok" role="status" data-testid="chain-result">✔ {w('chainOk')}: {verify.count} {w('entries_n')}, {w('head')} <code>{verify.headHash.slice(0, 16)}…</code></p>
          : <p className="chain broken error" role="alert" data-testid="chain-result">✖ {w('chainBroken')}: {w('brokenAt')} #{verify.brokenAtSeq} ({verify.reason})</p>)}
      </div>
      <form className="audit-filters" onSubmit={apply} aria-label={w('filter')}>
        <div className="field">
          <label htmlFor="au-actor">{w('actor')}</label>
          <input id="au-actor" list="au-actors" value={draft.actor} onChange={set('actor')} placeholder={w('actorHint')} />
          <datalist id="au-actors">{users.map((u) => <option key={u.id} value={u.username} />)}</datalist>
        </div>
        <div className="field">
          <label htmlFor="au-action">{w('action')}</label>
          <input id="au-action" list="au-actions" value={draft.action} onChange={set('action')} pattern="[a-z_.]{1,60}" />
          <datalist id="au-actions">{ACTIONS.map((a) => <option key={a} value={a} />)}</datalist>
        </div>
        <div className="field">
          <label htmlFor="au-from">{w('from')}</label>
          <input id="au-from" type="datetime-local" value={draft.from} onChange={set('from')} />
        </div>
        <div className="field">
          <label htmlFor="au-to">{w('to')}</label>
          <input id="au-to" type="datetime-local" value={draft.to} onChange={set('to')} />
        </div>
        <div className="buttons">
          <button type="submit" className="primary">{w('filter')}</button>
          <button type="button" onClick={() => { setDraft(EMPTY); setFilter(EMPTY); setCursors([undefined]); }}>{w('clear')}</button>
        </div>
      </form>
      {error && <p className="error" role="alert">{error}</p>}
      {page === null ? <p className="muted" aria-busy="true">{w('loading')}</p> : page.items.length === 0 ? <p className="muted">{w('noAudit')}</p> : (
        <table className="grid" data-testid="audit-table">
          <caption className="sr">{w('audit')}</caption>
          <thead><tr>
            <th scope="col">{w('seq')}</th><th scope="col">{w('time')}</th><th scope="col">{w('actor')}</th><th scope="col">{w('action')}</th>
            <th scope="col">{w('target')}</th><th scope="col">{w('details')}</th><th scope="col">{w('ip')}</th>
          </tr></thead>
          <tbody>
            {page.items.map((r) => {
              const details = fieldsOf(r.details);
              return (
                <tr key={r.seq} data-action={r.action}>
                  <td>{r.seq}</td><td>{fmtTime(r.atMs)}</td><td>{nameOf(r.actor, details)}</td><td><code>{r.action}</code></td>
                  <td className="ellipsis" title={r.target ?? ''}>{users.find((u) => u.id === r.target)?.username ?? r.target ?? '—'}</td><td className="ellipsis details">{summary(details)}</td>
                  <td>{typeof details['ip'] === 'string' ? details['ip'] : ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <nav className="pager" aria-label={w('pageN')}>
        <button type="button" disabled={cursors.length <= 1} onClick={() => setCursors([undefined])}>{w('first')}</button>
        <button type="button" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>{w('prev')}</button>
        <span className="muted">{w('pageN')} {cursors.length}</span>
        <button type="button" disabled={!page?.nextCursor} onClick={() => page?.nextCursor && setCursors([...cursors, page.nextCursor])}>{w('next')}</button>
      </nav>
    </div>
  );
}

/** The details of an entry in one line, without what other columns show. */
/** An audit row's details as an object (the service writes an object; the contract says JSON). */
const fieldsOf = (v: AuditRow['details']): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {});

function summary(details: Record<string, unknown>): string {
  return Object.entries(details)
    .filter(([k, v]) => !['ip', 'userAgent', 'username'].includes(k) && v !== null && v !== undefined)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' · ');
}

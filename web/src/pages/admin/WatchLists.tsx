/** Watch lists: the lists (create, edit, delete) and, for the one open (`#/admin/watchlists/<id>`), its plates and CSV import. */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, get, type Me } from '../../api';
import { useDict, useI18n } from '../../i18n';
import { endOfDayVn } from './csv';
import type { Severity, WatchList, WatchListDetail } from '@contract';
import { may } from './may';
import { WatchImport } from './WatchImport';
import { WORDS } from './words';

const SEVERITIES: Severity[] = ['info', 'warning', 'critical'];
const VN_OFFSET_MS = 7 * 3_600_000;
const open = (id: string | null) => { location.hash = id ? `#/admin/watchlists/${encodeURIComponent(id)}` : '#/admin/watchlists'; };

export function WatchListsTab({ me, selected }: { me: Me; selected: string | null }) {
  const w = useDict(WORDS);
  const canWrite = may(me.permissions, 'watchlists.write');
  const [lists, setLists] = useState<WatchList[] | null>(null);
  const [msg, setMsg] = useState('');
  const [error, setError] = useState('');
  const load = useCallback(() => {
    get<{ items: WatchList[] }>('/api/watchlists').then((r) => setLists(r.items)).catch((e: unknown) => setError((e as Error).message));
  }, []);
  useEffect(load, [load]);
  const current = lists?.find((l) => l.id === selected) ?? null;

  return (
    <div className="admin-watch">
      <div className="watch-side">
        <h2>{w('lists')}</h2>
        {lists === null ? <p className="muted" aria-busy="true">{w('loading')}</p> : lists.length === 0 ? <p className="muted">{w('noLists')}</p> : (
          <ul className="queue" data-testid="watch-lists">
            {lists.map((l) => (
              <li key={l.id}>
                <button type="button" aria-current={l.id === selected ? 'true' : undefined} onClick={() => open(l.id)}>
                  <b>{l.name}</b> <span className={`pill sev-${l.severity}`}>{w(l.severity)}</span>
                  {l.description && <span className="muted">{l.description}</span>}
                </button>
              </li>
            ))}
          </ul>
        )}
        {canWrite && <ListForm title={w('addList')} onSaved={(l) => { setMsg(`${w('listCreated')}: ${l.name}`); load(); open(l.id); }} />}
      </div>
      <div className="watch-main">
        {msg && <p className="notice" role="status">{msg}</p>}
        {error && <p className="error" role="alert">{error}</p>}
        {current && (
          <ListDetail key={current.id} list={current} canWrite={canWrite}
            onChanged={(text) => { setMsg(text); load(); }}
            onDeleted={(text) => { setMsg(text); open(null); load(); }} />
        )}
      </div>
    </div>
  );
}

function ListForm({ title, list, onSaved, onCancel }: { title: string; list?: WatchList; onSaved(l: WatchList): void; onCancel?(): void }) {
  const w = useDict(WORDS);
  const p = list ? `el-${list.id}` : 'nl';
  const [name, setName] = useState(list?.name ?? '');
  const [description, setDescription] = useState(list?.description ?? '');
  const [severity, setSeverity] = useState<Severity>(list?.severity ?? 'warning');
  const [error, setError] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError('');
    try {
      const body = { name: name.trim(), description: description.trim(), severity };
      const saved = list ? await api<WatchList>('PATCH', `/api/watchlists/${encodeURIComponent(list.id)}`, body) : await api<WatchList>('POST', '/api/watchlists', body);
      if (!list) { setName(''); setDescription(''); setSeverity('warning'); }
      onSaved(saved);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <form className="admin-form" onSubmit={(e) => void submit(e)} aria-label={title} onKeyDown={(e) => { if (e.key === 'Escape') onCancel?.(); }}>
      <h3>{title}</h3>
      <label htmlFor={`${p}-name`}>{w('name')}</label>
      <input id={`${p}-name`} required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
      <label htmlFor={`${p}-desc`}>{w('description')}</label>
      <input id={`${p}-desc`} maxLength={2000} value={description} onChange={(e) => setDescription(e.target.value)} />
      <label htmlFor={`${p}-sev`}>{w('severity')}</label>
      <select id={`${p}-sev`} value={severity} onChange={(e) => setSeverity(e.target.value as Severity)}>
        {SEVERITIES.map((s) => <option key={s} value={s}>{w(s)}</option>)}
      </select>
      {error && <p className="error" role="alert">{error}</p>}
      <div className="buttons">
        <button type="submit" className="primary">{list ? w('save') : w('create')}</button>
        {onCancel && <button type="button" onClick={onCancel}>{w('cancel')}</button>}
      </div>
    </form>
  );
}

function ListDetail({ list, canWrite, onChanged, onDeleted }: { list: WatchList; canWrite: boolean; onChanged(msg: string): void; onDeleted(msg: string): void }) {
  const w = useDict(WORDS);
  const { fmtTime, lang } = useI18n();
  /** An expiry at the end of a Vietnamese day reads as that day; any other time as a time. */
  const expiry = (ms: number) => (ms + VN_OFFSET_MS) % 86_400_000 === 0
    ? `${w('untilEndOf')} ${new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'Asia/Ho_Chi_Minh' }).format(ms - 1)}`
    : fmtTime(ms);
  const [detail, setDetail] = useState<WatchListDetail | null>(null);
  const [editing, setEditing] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [error, setError] = useState('');
  const load = useCallback(() => {
    get<WatchListDetail>(`/api/watchlists/${encodeURIComponent(list.id)}`).then(setDetail).catch((e: unknown) => setError((e as Error).message));
  }, [list.id]);
  useEffect(load, [load]);
  const act = async (fn: () => Promise<unknown>) => {
    setError('');
    try {
      await fn();
      return true;
    } catch (e) {
      setError((e as Error).message);
      return false;
    }
  };
  const remove = (entryId: string) => act(() => api('DELETE', `/api/watchlists/${encodeURIComponent(list.id)}/entries/${encodeURIComponent(entryId)}`)).then((ok) => ok && load());
  const del = () => act(() => api('DELETE', `/api/watchlists/${encodeURIComponent(list.id)}`)).then((ok) => ok && onDeleted(`${w('listDeleted')}: ${list.name}`));

  return (
    <article className="detail" aria-labelledby="wl-title" data-testid="watch-detail">
      <h2 id="wl-title">{list.name} <span className={`pill sev-${list.severity}`}>{w(list.severity)}</span></h2>
      {list.description && <p className="muted">{list.description}</p>}
      {error && <p className="error" role="alert">{error}</p>}
      {canWrite && !editing && (
        <div className="buttons">
          <button type="button" onClick={() => setEditing(true)}>{w('editList')}</button>
          {confirmDelete ? (<>
            <button type="button" className="danger" onClick={() => void del()}>{w('deleteListConfirm')}</button>
            <button type="button" onClick={() => setConfirmDelete(false)}>{w('cancel')}</button>
          </>) : <button type="button" onClick={() => setConfirmDelete(true)}>{w('deleteList')}</button>}
        </div>
      )}
      {editing && <ListForm title={w('editList')} list={list} onCancel={() => setEditing(false)} onSaved={(l) => { setEditing(false); onChanged(`${w('listSaved')}: ${l.name}`); }} />}
      <h3>{w('entries')} {detail && <span className="muted">({detail.entries.length} {w('count')})</span>}</h3>
      {detail === null ? <p className="muted" aria-busy="true">{w('loading')}</p> : detail.entries.length === 0 ? <p className="muted">{w('noEntries')}</p> : (
        <div className="entries-scroll">
          <table className="grid" data-testid="watch-entries">
            <thead><tr>
              <th scope="col">{w('plate')}</th><th scope="col">{w('reason')}</th><th scope="col">{w('expires')}</th><th scope="col">{w('created')}</th>
              {canWrite && <th scope="col"><span className="sr">{w('actions')}</span></th>}
            </tr></thead>
            <tbody>
              {detail.entries.map((e) => (
                <tr key={e.id}>
                  <td className="plate">{e.pattern}</td><td>{e.note}</td><td>{e.expiresAtMs ? expiry(e.expiresAtMs) : <span className="muted">{w('never')}</span>}</td>
                  <td>{fmtTime(e.createdAtMs)}</td>
                  {canWrite && <td><button type="button" onClick={() => void remove(e.id)}>{w('remove')}<span className="sr"> {e.pattern}</span></button></td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canWrite && (
        <div className="watch-tools">
          <AddEntry listId={list.id} onAdded={load} />
          <WatchImport listId={list.id} onImported={load} />
        </div>
      )}
    </article>
  );
}

function AddEntry({ listId, onAdded }: { listId: string; onAdded(): void }) {
  const w = useDict(WORDS);
  const [pattern, setPattern] = useState('');
  const [note, setNote] = useState('');
  const [day, setDay] = useState('');
  const [error, setError] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError('');
    try {
      await api('POST', `/api/watchlists/${encodeURIComponent(listId)}/entries`, { entries: [{ pattern: pattern.trim(), note: note.trim(), expiresAtMs: endOfDayVn(day) }] });
      setPattern(''); setNote(''); setDay('');
      onAdded();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <form className="admin-form entry-form" onSubmit={(e) => void submit(e)} aria-label={w('addEntry')}>
      <h3>{w('addEntry')}</h3>
      <label htmlFor="ne-pattern">{w('plate')}</label>
      <input id="ne-pattern" required minLength={2} maxLength={32} value={pattern} onChange={(e) => setPattern(e.target.value)} placeholder="30A-123.45, 29-B1 123.45, 51G-888.*" />
      <label htmlFor="ne-note">{w('reason')}</label>
      <input id="ne-note" maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} />
      <label htmlFor="ne-day">{w('expiresDay')}</label>
      <input id="ne-day" type="date" value={day} onChange={(e) => setDay(e.target.value)} />
      {error && <p className="error" role="alert">{error}</p>}
      <button type="submit" className="primary">{w('addEntry')}</button>
    </form>
  );
}

/**
 * The face watch lists tab: each list with its severity, its threshold and what it means ("about 1 false match per N
 * faces"), and how many persons; a list opened shows its persons (enrolment photos, reason, legal basis, expiry, who
 * enrolled), the enrolment form and removal. Creating, editing, enrolling and removing need faces.enrol.
 */
import { useCallback, useEffect, useState } from 'react';
import type { FaceFarCurve, FaceList, FaceListDetail, FacePerson, Me } from '@contract';
import { api, get } from '../../api';
import { useDict, useI18n } from '../../i18n';
import { FaceImg, useFalseMatchText } from './common';
import { Confirm } from './Confirm';
import { EnrolForm } from './Enrol';
import { ListForm } from './ListForm';
import { fill, WORDS } from './words';

interface Lists { items: FaceList[]; model: string; suggestedThreshold: number }

function PersonCard({ p, mayEnrol, onRemove }: { p: FacePerson; mayEnrol: boolean; onRemove: () => void }) {
  const w = useDict(WORDS);
  const { fmtTime } = useI18n();
  return (
    <li className="face-person" data-testid="face-person" data-person={p.id}>
      <div className="thumbs">{p.photos.map((ph, i) => <FaceImg key={ph.id} url={ph.url} alt={`${p.name} ${i + 1}`} size={88} />)}</div>
      <div className="facts">
        <h4>{p.name}</h4>
        <dl>
          <dt>{w('reason')}</dt><dd>{p.reason}</dd>
          <dt>{w('legalBasis')}</dt><dd>{p.legalBasis}</dd>
          {p.note && <><dt>{w('note')}</dt><dd>{p.note}</dd></>}
          <dt>{w('expiry')}</dt><dd><time>{fmtTime(p.expiresAtMs)}</time></dd>
          <dt>{w('enrolledBy')}</dt><dd>{p.createdByName} · <time>{fmtTime(p.createdAtMs)}</time></dd>
        </dl>
        {mayEnrol && <button type="button" className="ghost danger-text" onClick={onRemove}>{w('remove')}</button>}
      </div>
    </li>
  );
}

function ListDetail({ id, curve, suggested, mayEnrol, onChanged }: { id: string; curve: FaceFarCurve | null; suggested: number; mayEnrol: boolean; onChanged: () => void }) {
  const w = useDict(WORDS);
  const { kind } = useI18n();
  const sentence = useFalseMatchText();
  const [list, setList] = useState<FaceListDetail | null>(null);
  const [error, setError] = useState('');
  const [editing, setEditing] = useState(false);
  const [removing, setRemoving] = useState<FacePerson | null>(null);
  const [deleting, setDeleting] = useState(false);
  const load = useCallback((): void => {
    get<FaceListDetail>(`/api/face-lists/${encodeURIComponent(id)}`).then((l) => { setList(l); setError(''); }).catch((e: Error) => setError(e.message));
  }, [id]);
  useEffect(load, [load]);
  const remove = (p: FacePerson): void => {
    setRemoving(null);
    api('DELETE', `/api/face-persons/${encodeURIComponent(p.id)}`).then(() => { load(); onChanged(); }).catch((e: Error) => setError(`${w('failed')}: ${e.message}`));
  };
  const del = (): void => {
    setDeleting(false);
    api('DELETE', `/api/face-lists/${encodeURIComponent(id)}`).then(() => { onChanged(); location.hash = '#/faces/lists'; }).catch((e: Error) => setError(`${w('failed')}: ${e.message}`));
  };
  if (error && !list) return <p role="alert" className="error">{error}</p>;
  if (!list) return <p className="loading" aria-busy="true" />;
  return (
    <div className="face-list-detail" data-testid="face-list-detail" data-list={list.id}>
      <p><a href="#/faces/lists">← {w('back')}</a></p>
      <div className="card-head">
        <h2>{list.name}</h2>
        <span className={`pill sev-${list.severity}`}>{kind(list.severity)}</span>
        {mayEnrol && <button type="button" onClick={() => setEditing(true)}>{w('edit')}</button>}
        {mayEnrol && <button type="button" className="ghost" onClick={() => setDeleting(true)}>{w('deleteList')}</button>}
      </div>
      {list.description && <p>{list.description}</p>}
      <p className="muted">{w('threshold')} {list.threshold.toFixed(4)}: <span className="far-sentence">{sentence(list.falseMatch, curve?.impostorPairs)}</span></p>
      {error && <p role="alert" className="error">{error}</p>}
      <h3>{w('people')} ({list.entries.length})</h3>
      {list.entries.length === 0 ? <p className="muted">{w('noPersons')}</p> : (
        <ul className="face-persons">{list.entries.map((p) => <PersonCard key={p.id} p={p} mayEnrol={mayEnrol} onRemove={() => setRemoving(p)} />)}</ul>
      )}
      {mayEnrol && <EnrolForm listId={list.id} onEnrolled={() => { load(); onChanged(); }} />}
      {editing && <ListForm list={list} curve={curve} suggested={suggested} onClose={() => setEditing(false)} onDone={() => { setEditing(false); load(); onChanged(); }} />}
      {removing && <Confirm title={w('remove')} text={fill(w('confirmRemove'), { name: removing.name })} action={w('remove')} onYes={() => remove(removing)} onClose={() => setRemoving(null)} />}
      {deleting && <Confirm title={w('deleteList')} text={w('confirmDeleteList')} action={w('deleteList')} onYes={del} onClose={() => setDeleting(false)} />}
    </div>
  );
}

export function ListsTab({ me, selected }: { me: Me; selected: string | null }) {
  const w = useDict(WORDS);
  const { kind } = useI18n();
  const sentence = useFalseMatchText();
  const mayEnrol = me.permissions.includes('faces.enrol');
  const [lists, setLists] = useState<Lists | null>(null);
  const [curve, setCurve] = useState<FaceFarCurve | null>(null);
  const [error, setError] = useState('');
  const [creating, setCreating] = useState(false);
  const load = useCallback((): void => {
    get<Lists>('/api/face-lists').then((r) => { setLists(r); setError(''); }).catch((e: Error) => setError(e.message));
  }, []);
  useEffect(() => {
    load();
    get<FaceFarCurve>('/api/faces/far-curve').then(setCurve).catch((e: unknown) => console.warn('far curve', e));
  }, [load]);
  const suggested = lists?.suggestedThreshold ?? curve?.suggested ?? 0.5;
  if (selected) return <ListDetail id={selected} curve={curve} suggested={suggested} mayEnrol={mayEnrol} onChanged={load} />;
  return (
    <div className="face-lists">
      <div className="card-head">
        <h2>{w('lists')}</h2>
        {mayEnrol && <button type="button" className="primary" onClick={() => setCreating(true)}>{w('newList')}</button>}
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      {lists && lists.items.length === 0 && <p className="muted">{w('noLists')}</p>}
      {lists && lists.items.length > 0 && (
        <table className="grid" data-testid="face-lists">
          <thead><tr><th scope="col">{w('name')}</th><th scope="col">{w('severity')}</th><th scope="col">{w('threshold')}</th><th scope="col">{w('falseMatch')}</th><th scope="col">{w('persons')}</th><th scope="col"><span className="sr">{w('open')}</span></th></tr></thead>
          <tbody>
            {lists.items.map((l) => (
              <tr key={l.id} data-list={l.id}>
                <td><a href={`#/faces/lists/${encodeURIComponent(l.id)}`}>{l.name}</a>{l.description && <div className="muted small">{l.description}</div>}</td>
                <td><span className={`pill sev-${l.severity}`}>{kind(l.severity)}</span></td>
                <td className="num">{l.threshold.toFixed(4)}</td>
                <td className="far-sentence">{sentence(l.falseMatch, curve?.impostorPairs)}</td>
                <td className="num">{l.persons}</td>
                <td><a className="button" href={`#/faces/lists/${encodeURIComponent(l.id)}`}>{w('open')}</a></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {lists && <p className="muted small">{w('measuredOn')}: {curve?.measuredOn ?? '–'} · {lists.model}</p>}
      {creating && <ListForm list={null} curve={curve} suggested={suggested} onClose={() => setCreating(false)}
        onDone={(l) => { setCreating(false); load(); location.hash = `#/faces/lists/${encodeURIComponent(l.id)}`; }} />}
    </div>
  );
}

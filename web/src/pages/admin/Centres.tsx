/**
 * Monitoring centres: the list (area, members), add or edit one (name, districts, wards, camera group, members),
 * delete one. Members see only what both their own scope and the centre's area cover (the server decides; this says so).
 */
import type { Centre, User } from '@contract';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, get, type Me } from '../../api';
import { useDict } from '../../i18n';
import { may } from './may';
import { WORDS } from './words';

const splitList = (s: string): string[] => s.split(',').map((x) => x.trim()).filter((x) => x !== '');

export function CentresTab({ me }: { me: Me }) {
  const w = useDict(WORDS);
  const canWrite = may(me.permissions, 'centres.write');
  const [centres, setCentres] = useState<Centre[] | null>(null);
  const [users, setUsers] = useState<User[]>([]);
  const [editing, setEditing] = useState<Centre | null>(null);
  /** A new form after each save (an emptied one for the next centre). */
  const [saves, setSaves] = useState(0);
  const [msg, setMsg] = useState('');
  const [error, setError] = useState('');
  const load = useCallback(() => {
    Promise.all([get<{ items: Centre[] }>('/api/centres'), get<{ items: User[] }>('/api/users')])
      .then(([c, u]) => { setCentres(c.items); setUsers(u.items); })
      .catch((e: unknown) => setError((e as Error).message));
  }, []);
  useEffect(load, [load]);
  const nameOf = (id: string) => users.find((u) => u.id === id)?.username ?? id;
  const area = (c: Centre) => [...(c.scope.districts ?? []), ...(c.scope.wards ?? []), ...(c.scope.cameraIds ?? [])].join(', ');
  const remove = async (c: Centre) => {
    setError('');
    try {
      await api('DELETE', `/api/centres/${encodeURIComponent(c.id)}`);
      setMsg(`${w('centreDeleted')}: ${c.name}`);
      load();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <div className="admin-centres">
      {msg && <p className="notice" role="status">{msg}</p>}
      {error && <p className="error" role="alert">{error}</p>}
      {centres === null ? <p className="muted" aria-busy="true">{w('loading')}</p> : centres.length === 0 ? <p className="muted">{w('noCentres')}</p> : (
        <table className="grid" data-testid="centres-table">
          <caption className="sr">{w('centres')}</caption>
          <thead><tr>
            <th scope="col">{w('name')}</th><th scope="col">{w('area')}</th><th scope="col">{w('centreMembers')}</th>
            {canWrite && <th scope="col">{w('actions')}</th>}
          </tr></thead>
          <tbody>
            {centres.map((c) => (
              <tr key={c.id} data-centre={c.name}>
                <td><b>{c.name}</b></td>
                <td>{area(c) || <span className="muted">{w('everywhere')}</span>}</td>
                <td>{c.memberIds.map(nameOf).join(', ')}</td>
                {canWrite && (
                  <td className="row-actions">
                    <button type="button" onClick={() => setEditing(c)}>{w('edit')}<span className="sr"> {c.name}</span></button>
                    <button type="button" onClick={() => void remove(c)}>{w('delete')}<span className="sr"> {c.name}</span></button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canWrite && (
        <CentreForm key={`${editing?.id ?? 'new'}-${saves}`} centre={editing} users={users}
          onDone={(c) => { setMsg(`${w('centreSaved')}: ${c.name}`); setEditing(null); setSaves(saves + 1); load(); }} onCancel={() => setEditing(null)} />
      )}
    </div>
  );
}

function CentreForm({ centre, users, onDone, onCancel }: { centre: Centre | null; users: User[]; onDone(c: Centre): void; onCancel(): void }) {
  const w = useDict(WORDS);
  const [name, setName] = useState(centre?.name ?? '');
  const [districts, setDistricts] = useState((centre?.scope.districts ?? []).join(', '));
  const [wards, setWards] = useState((centre?.scope.wards ?? []).join(', '));
  const [cameras, setCameras] = useState((centre?.scope.cameraIds ?? []).join(', '));
  const [members, setMembers] = useState<string[]>(centre?.memberIds ?? []);
  const [error, setError] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError('');
    const scope = { districts: splitList(districts), wards: splitList(wards), cameraIds: splitList(cameras) };
    try {
      const body = { name: name.trim(), scope, memberIds: members };
      const c = centre ? await api<Centre>('PATCH', `/api/centres/${encodeURIComponent(centre.id)}`, body) : await api<Centre>('POST', '/api/centres', body);
      onDone(c);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const toggle = (id: string, on: boolean) => setMembers(on ? [...members, id] : members.filter((m) => m !== id));
  const title = centre ? `${w('centreEdit')}: ${centre.name}` : w('centreAdd');
  return (
    <form className="admin-form" onSubmit={(e) => void submit(e)} aria-label={title} data-testid="centre-form">
      <h2>{title}</h2>
      <label htmlFor="ce-name">{w('centreName')}</label>
      <input id="ce-name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
      <label htmlFor="ce-districts">{w('centreDistricts')}</label>
      <input id="ce-districts" value={districts} onChange={(e) => setDistricts(e.target.value)} />
      <label htmlFor="ce-wards">{w('centreWards')}</label>
      <input id="ce-wards" value={wards} onChange={(e) => setWards(e.target.value)} />
      <label htmlFor="ce-cameras">{w('centreCameras')}</label>
      <input id="ce-cameras" value={cameras} onChange={(e) => setCameras(e.target.value)} />
      <span className="muted">{w('centreHint')}</span>
      <fieldset>
        <legend>{w('centreMembers')}</legend>
        {users.map((u) => (
          <label key={u.id}><input type="checkbox" checked={members.includes(u.id)} onChange={(e) => toggle(u.id, e.target.checked)} /> {u.username}</label>
        ))}
      </fieldset>
      {error && <p className="error" role="alert">{error}</p>}
      <div className="buttons">
        <button type="submit" className="primary">{w('save')}</button>
        {centre && <button type="button" onClick={onCancel}>{w('cancel')}</button>}
      </div>
    </form>
  );
}

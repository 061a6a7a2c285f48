/** Users and roles: the list (with each user's monitoring centre), add a user (roles, optional district scope), disable/enable, reset a password. */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, get, type Me } from '../../api';
import { useDict, useI18n } from '../../i18n';
import type { Centre, RoleInfo, User } from '@contract';
import { may } from './may';
import { WORDS, type Word } from './words';

const MIN_PASSWORD = 10;
const splitList = (s: string): string[] => s.split(',').map((x) => x.trim()).filter((x) => x !== '');

export function useRoleLabel(): (role: string) => string {
  const w = useDict(WORDS);
  return (role) => (`role_${role}` in WORDS.vi ? w(`role_${role}` as Word) : role);
}

export function UsersTab({ me }: { me: Me }) {
  const w = useDict(WORDS);
  const { fmtTime } = useI18n();
  const roleLabel = useRoleLabel();
  const canWrite = may(me.permissions, 'users.write');
  const [users, setUsers] = useState<User[] | null>(null);
  const [roles, setRoles] = useState<RoleInfo[]>([]);
  const [centres, setCentres] = useState<Centre[]>([]);
  const [resetFor, setResetFor] = useState<string | null>(null);
  const [msg, setMsg] = useState('');
  const [error, setError] = useState('');
  const load = useCallback(() => {
    Promise.all([get<{ items: User[] }>('/api/users'), get<{ items: RoleInfo[] }>('/api/roles'), get<{ items: Centre[] }>('/api/centres')])
      .then(([u, r, c]) => { setUsers(u.items); setRoles(r.items); setCentres(c.items); })
      .catch((e: unknown) => setError((e as Error).message));
  }, []);
  useEffect(load, [load]);

  const patch = async (u: User, body: Record<string, unknown>, done: string) => {
    setError('');
    try {
      await api('PATCH', `/api/users/${encodeURIComponent(u.id)}`, body);
      setMsg(done);
      load();
      return true;
    } catch (e) {
      setError(`${u.username}: ${(e as Error).message}`);
      return false;
    }
  };

  return (
    <div className="admin-users">
      {msg && <p className="notice" role="status">{msg}</p>}
      {error && <p className="error" role="alert">{error}</p>}
      {users === null ? <p className="muted" aria-busy="true">{w('loading')}</p> : (
        <table className="grid" data-testid="users-table">
          <caption className="sr">{w('users')}</caption>
          <thead><tr>
            <th scope="col">{w('username')}</th><th scope="col">{w('displayName')}</th><th scope="col">{w('roles')}</th>
            <th scope="col">{w('scope')}</th><th scope="col">{w('centre')}</th><th scope="col">{w('status')}</th><th scope="col">{w('created')}</th>
            {canWrite && <th scope="col">{w('actions')}</th>}
          </tr></thead>
          <tbody>
            {users.map((u) => {
              const locked = u.lockedUntilMs !== null && u.lockedUntilMs > Date.now();
              const self = u.id === me.id;
              return (
                <tr key={u.id} data-username={u.username}>
                  <td><b>{u.username}</b> {self && <span className="muted">{w('you')}</span>}</td>
                  <td>{u.displayName}</td>
                  <td>{u.roles.map(roleLabel).join(', ')}</td>
                  <td>{u.scope.districts?.length ? u.scope.districts.join(', ') : <span className="muted">{w('everywhere')}</span>}</td>
                  <td>{centres.find((c) => c.memberIds.includes(u.id))?.name ?? <span className="muted">—</span>}</td>
                  <td><span className={`pill ${u.disabled ? 'rejected' : locked ? 'pending' : 'confirmed'}`}>{w(u.disabled ? 'disabledUser' : locked ? 'lockedUser' : 'active')}</span></td>
                  <td>{fmtTime(u.createdAtMs)}</td>
                  {canWrite && (
                    <td className="row-actions">
                      {!self && (
                        <button type="button" onClick={() => void patch(u, { disabled: !u.disabled }, `${u.username}: ${w(u.disabled ? 'userEnabled' : 'userDisabled')}`)}>
                          {w(u.disabled ? 'enable' : 'disable')}<span className="sr"> {u.username}</span>
                        </button>
                      )}
                      <button type="button" aria-expanded={resetFor === u.id} onClick={() => setResetFor(resetFor === u.id ? null : u.id)}>
                        {w('resetPassword')}<span className="sr"> {u.username}</span>
                      </button>
                      {resetFor === u.id && (
                        <ResetPassword user={u} onCancel={() => setResetFor(null)}
                          onSave={async (password) => { if (await patch(u, { password }, `${w('passwordReset')} ${u.username}`)) setResetFor(null); }} />
                      )}
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {canWrite && roles.length > 0 && <AddUser roles={roles} onAdded={(u) => { setMsg(`${w('userAdded')}: ${u.username}`); load(); }} />}
    </div>
  );
}

function ResetPassword({ user, onSave, onCancel }: { user: User; onSave(password: string): Promise<void>; onCancel(): void }) {
  const w = useDict(WORDS);
  const [password, setPassword] = useState('');
  const id = `reset-${user.id}`;
  return (
    <form className="inline-form" onSubmit={(e) => { e.preventDefault(); void onSave(password); }} onKeyDown={(e) => { if (e.key === 'Escape') onCancel(); }}>
      <label htmlFor={id}>{w('newPassword')} ({user.username})</label>
      <input id={id} type="password" autoComplete="new-password" minLength={MIN_PASSWORD} maxLength={256} required autoFocus value={password} onChange={(e) => setPassword(e.target.value)} />
      <button type="submit" className="primary">{w('save')}</button>
      <button type="button" onClick={onCancel}>{w('cancel')}</button>
    </form>
  );
}

function AddUser({ roles, onAdded }: { roles: RoleInfo[]; onAdded(u: User): void }) {
  const w = useDict(WORDS);
  const roleLabel = useRoleLabel();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const [districts, setDistricts] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError('');
    if (picked.length === 0) {
      setError(w('rolesNeeded'));
      return;
    }
    setBusy(true);
    try {
      const scope = splitList(districts);
      const u = await api<User>('POST', '/api/users', {
        username: username.trim(), password, roles: picked, scope: scope.length ? { districts: scope } : {},
        ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
      });
      setUsername(''); setDisplayName(''); setPassword(''); setPicked([]); setDistricts('');
      onAdded(u);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="admin-form" onSubmit={(e) => void submit(e)} aria-labelledby="add-user-title">
      <h2 id="add-user-title">{w('addUser')}</h2>
      <label htmlFor="nu-username">{w('username')}</label>
      <input id="nu-username" autoComplete="off" required pattern="[a-z0-9][a-z0-9._\-]{1,63}" value={username} onChange={(e) => setUsername(e.target.value)} />
      <label htmlFor="nu-name">{w('displayName')}</label>
      <input id="nu-name" value={displayName} maxLength={200} onChange={(e) => setDisplayName(e.target.value)} />
      <label htmlFor="nu-password">{w('password')}</label>
      <input id="nu-password" type="password" autoComplete="new-password" required minLength={MIN_PASSWORD} maxLength={256} aria-describedby="nu-password-hint" value={password} onChange={(e) => setPassword(e.target.value)} />
      <small id="nu-password-hint" className="muted">{w('passwordHint')}</small>
      <fieldset className="checks">
        <legend>{w('roles')}</legend>
        {roles.map((r) => (
          <label key={r.name} className="check" title={r.permissions.join(', ')}>
            <input type="checkbox" checked={picked.includes(r.name)} onChange={(e) => setPicked(e.target.checked ? [...picked, r.name] : picked.filter((x) => x !== r.name))} />
            {roleLabel(r.name)} <span className="muted">({r.name})</span>
          </label>
        ))}
      </fieldset>
      <label htmlFor="nu-districts">{w('scopeDistricts')}</label>
      <input id="nu-districts" aria-describedby="nu-districts-hint" value={districts} onChange={(e) => setDistricts(e.target.value)} placeholder="Hải Châu, Sơn Trà" />
      <small id="nu-districts-hint" className="muted">{w('scopeHint')}</small>
      {error && <p className="error" role="alert">{error}</p>}
      <button type="submit" className="primary" disabled={busy}>{w('addUser')}</button>
    </form>
  );
}

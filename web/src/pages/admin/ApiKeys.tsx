/** API keys of partner agencies: list, create (permissions, area, expiry, rate limit; the secret is shown once), revoke. */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { api, get } from '../../api';
import { useDict, useI18n } from '../../i18n';
import { endOfDayVn } from './csv';
import type { AccessScope as Scope, ApiKey, NewApiKey, RoleInfo } from '@contract';
import { WORDS, type Word } from './words';

const splitList = (s: string): string[] => s.split(',').map((x) => x.trim()).filter((x) => x !== '');
/** A day in Vietnam time, `days` from today, as a date input wants it. */
const vnDay = (days: number): string => new Date(Date.now() + 7 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
/** The server's bounds: 90 days by default, at most 366 ahead (the last whole day that fits). */
const DEFAULT_DAYS = 90;
const MAX_DAYS = 365;

/** An API key acts as a partner narrowed to its scopes: only the partner's permissions (and ingest) mean anything on a key. */
const FALLBACK_SCOPES = ['plates.search', 'plates.trace', 'watchlists.read', 'ingest.write'];

export function ApiKeysTab() {
  const w = useDict(WORDS);
  const { fmtTime } = useI18n();
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [scopes, setScopes] = useState<string[]>(FALLBACK_SCOPES);
  const [fresh, setFresh] = useState<NewApiKey | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [msg, setMsg] = useState('');
  const [error, setError] = useState('');
  const load = useCallback(() => {
    get<{ items: ApiKey[] }>('/api/apikeys').then((r) => setKeys(r.items)).catch((e: unknown) => setError((e as Error).message));
  }, []);
  useEffect(() => {
    load();
    get<{ items: RoleInfo[] }>('/api/roles')
      .then((r) => { const p = r.items.find((x) => x.name === 'partner'); if (p) setScopes([...p.permissions, 'ingest.write']); })
      .catch(() => undefined); // users.read missing: the partner's known permissions stand
  }, [load]);
  const revoke = async (k: ApiKey) => {
    setError('');
    try {
      await api('DELETE', `/api/apikeys/${encodeURIComponent(k.id)}`);
      setConfirming(null);
      setMsg(`${w('keyRevoked')}: ${k.name}`);
      load();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const scopeLabel = (s: string) => { const k = `perm_${s.replace('.', '_')}`; return k in WORDS.vi ? w(k as Word) : s; };
  const areaLabel = (a: Scope) => {
    const parts = [...(a.districts ?? []), ...(a.wards ?? []), ...(a.cameraIds ?? []).map((c) => `${w('cameraShort')} ${c}`)];
    return parts.length ? parts.join(', ') : w('everywhere');
  };
  const now = Date.now();
  const state = (k: ApiKey): { cls: string; word: Word } =>
    k.revokedAtMs ? { cls: 'rejected', word: 'revoked' } : k.expiresAtMs !== null && k.expiresAtMs <= now ? { cls: 'rejected', word: 'keyExpired' } : { cls: 'confirmed', word: 'keyActive' };

  return (
    <div className="admin-keys">
      {fresh && <SecretOnce secret={fresh} onDone={() => setFresh(null)} />}
      {msg && <p className="notice" role="status">{msg}</p>}
      {error && <p className="error" role="alert">{error}</p>}
      {keys === null ? <p className="muted" aria-busy="true">{w('loading')}</p> : keys.length === 0 ? <p className="muted">{w('noKeys')}</p> : (
        <table className="grid" data-testid="keys-table">
          <caption className="sr">{w('keys')}</caption>
          <thead><tr>
            <th scope="col">{w('name')}</th><th scope="col">{w('prefix')}</th><th scope="col">{w('scopes')}</th><th scope="col">{w('keyArea')}</th><th scope="col">{w('rateLimit')}</th>
            <th scope="col">{w('created')}</th><th scope="col">{w('expires')}</th><th scope="col">{w('lastUsed')}</th><th scope="col">{w('status')}</th><th scope="col">{w('actions')}</th>
          </tr></thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.id} data-key-name={k.name}>
                <td><b>{k.name}</b></td><td><code>{k.prefix}…</code></td><td>{k.scopes.map(scopeLabel).join(', ')}</td><td>{areaLabel(k.scope)}</td><td>{k.rateLimitPerMin}</td>
                <td>{fmtTime(k.createdAtMs)}</td><td>{k.expiresAtMs ? fmtTime(k.expiresAtMs) : '—'}</td><td>{k.lastUsedMs ? fmtTime(k.lastUsedMs) : '—'}</td>
                <td><span className={`pill ${state(k).cls}`}>{w(state(k).word)}</span></td>
                <td className="row-actions">
                  {!k.revokedAtMs && (confirming === k.id ? (<>
                    <button type="button" className="danger" onClick={() => void revoke(k)}>{w('revokeConfirm')}<span className="sr"> {k.name}</span></button>
                    <button type="button" onClick={() => setConfirming(null)}>{w('cancel')}</button>
                  </>) : <button type="button" onClick={() => setConfirming(k.id)}>{w('revoke')}<span className="sr"> {k.name}</span></button>)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <AddKey scopes={scopes} scopeLabel={scopeLabel} onCreated={(k) => { setFresh(k); setMsg(''); load(); }} />
    </div>
  );
}

/** The secret, once: a read-only field, a copy button, and a close button that drops it from memory. */
function SecretOnce({ secret, onDone }: { secret: NewApiKey; onDone(): void }) {
  const w = useDict(WORDS);
  const [copied, setCopied] = useState<'' | 'ok' | 'failed'>('');
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => field.current?.select(), []);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret.secret);
      setCopied('ok');
    } catch {
      field.current?.select(); // no clipboard (plain http, permission): leave it selected for Ctrl+C
      setCopied('failed');
    }
  };
  return (
    <section className="secret-once" role="region" aria-labelledby="secret-title" data-testid="secret-once">
      <h2 id="secret-title">{w('secretTitle')}: {secret.name}</h2>
      <p>{w('secretOnce')}</p>
      <div className="secret-row">
        <label htmlFor="secret-value" className="sr">{w('secretValue')}</label>
        <input id="secret-value" ref={field} readOnly value={secret.secret} spellCheck={false} onFocus={(e) => e.target.select()} />
        <button type="button" className="primary" onClick={() => void copy()}>{w('copy')}</button>
      </div>
      {copied && <p role="status" className={copied === 'ok' ? 'muted' : 'error'}>{w(copied === 'ok' ? 'copied' : 'copyFailed')}</p>}
      <button type="button" onClick={onDone}>{w('done')}</button>
    </section>
  );
}

function AddKey({ scopes, scopeLabel, onCreated }: { scopes: string[]; scopeLabel(s: string): string; onCreated(k: NewApiKey): void }) {
  const w = useDict(WORDS);
  const [name, setName] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const [rate, setRate] = useState('600');
  const [districts, setDistricts] = useState('');
  const [cameras, setCameras] = useState('');
  const [day, setDay] = useState(vnDay(DEFAULT_DAYS));
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError('');
    if (picked.length === 0) {
      setError(w('scopesNeeded'));
      return;
    }
    const area: Scope = { ...(splitList(districts).length ? { districts: splitList(districts) } : {}), ...(splitList(cameras).length ? { cameraIds: splitList(cameras) } : {}) };
    if (picked.includes('ingest.write') && !area.districts && !area.cameraIds) {
      setError(w('ingestNeedsArea'));
      return;
    }
    const expiresAtMs = endOfDayVn(day);
    if (expiresAtMs === null) {
      setError(w('expiryNeeded'));
      return;
    }
    setBusy(true);
    try {
      // No area given: the server gives the key yours.
      const k = await api<NewApiKey>('POST', '/api/apikeys', {
        name: name.trim(), scopes: picked, rateLimitPerMin: Number(rate), expiresAtMs, ...(area.districts || area.cameraIds ? { scope: area } : {}),
      });
      setName(''); setPicked([]); setRate('600'); setDistricts(''); setCameras(''); setDay(vnDay(DEFAULT_DAYS));
      onCreated(k);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="admin-form" onSubmit={(e) => void submit(e)} aria-labelledby="add-key-title">
      <h2 id="add-key-title">{w('addKey')}</h2>
      <label htmlFor="nk-name">{w('keyName')}</label>
      <input id="nk-name" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
      <fieldset className="checks">
        <legend>{w('scopes')}</legend>
        {scopes.map((s) => (
          <label key={s} className="check">
            <input type="checkbox" checked={picked.includes(s)} onChange={(e) => setPicked(e.target.checked ? [...picked, s] : picked.filter((x) => x !== s))} />
            {scopeLabel(s)} <span className="muted">({s})</span>
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>{w('keyArea')}</legend>
        <label htmlFor="nk-districts">{w('keyDistricts')}</label>
        <input id="nk-districts" aria-describedby="nk-area-hint" value={districts} onChange={(e) => setDistricts(e.target.value)} placeholder="Hải Châu, Sơn Trà" />
        <label htmlFor="nk-cameras">{w('keyCameras')}</label>
        <input id="nk-cameras" aria-describedby="nk-area-hint" value={cameras} onChange={(e) => setCameras(e.target.value)} placeholder="cam-01, cam-02" />
        <small id="nk-area-hint" className="muted">{w('keyAreaHint')}</small>
      </fieldset>
      <label htmlFor="nk-expires">{w('keyExpires')}</label>
      <input id="nk-expires" type="date" required min={vnDay(1)} max={vnDay(MAX_DAYS)} value={day} onChange={(e) => setDay(e.target.value)} aria-describedby="nk-expires-hint" />
      <small id="nk-expires-hint" className="muted">{w('keyExpiresHint')}</small>
      <label htmlFor="nk-rate">{w('rateLimit')}</label>
      <input id="nk-rate" type="number" required min={1} max={100000} step={1} value={rate} onChange={(e) => setRate(e.target.value)} />
      {error && <p className="error" role="alert">{error}</p>}
      <button type="submit" className="primary" disabled={busy}>{w('addKey')}</button>
    </form>
  );
}

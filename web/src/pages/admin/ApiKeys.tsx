/** API keys of partner agencies: list, create (scopes, rate limit; the secret is shown once), revoke. */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { api, get } from '../../api';
import { useDict, useI18n } from '../../i18n';
import type { ApiKey, NewApiKey, RoleInfo } from './types';
import { WORDS, type Word } from './words';

/** An API key acts as a partner narrowed to its scopes: only the partner's permissions mean anything on a key. */
const FALLBACK_SCOPES = ['plates.search', 'plates.trace', 'watchlists.read'];

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
      .then((r) => { const p = r.items.find((x) => x.name === 'partner'); if (p) setScopes(p.permissions); })
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

  return (
    <div className="admin-keys">
      {fresh && <SecretOnce secret={fresh} onDone={() => setFresh(null)} />}
      {msg && <p className="notice" role="status">{msg}</p>}
      {error && <p className="error" role="alert">{error}</p>}
      {keys === null ? <p className="muted" aria-busy="true">{w('loading')}</p> : keys.length === 0 ? <p className="muted">{w('noKeys')}</p> : (
        <table className="grid" data-testid="keys-table">
          <caption className="sr">{w('keys')}</caption>
          <thead><tr>
            <th scope="col">{w('name')}</th><th scope="col">{w('prefix')}</th><th scope="col">{w('scopes')}</th><th scope="col">{w('rateLimit')}</th>
            <th scope="col">{w('created')}</th><th scope="col">{w('lastUsed')}</th><th scope="col">{w('status')}</th><th scope="col">{w('actions')}</th>
          </tr></thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.id} data-key-name={k.name}>
                <td><b>{k.name}</b></td><td><code>{k.prefix}…</code></td><td>{k.scopes.map(scopeLabel).join(', ')}</td><td>{k.rateLimitPerMin}</td>
                <td>{fmtTime(k.createdAtMs)}</td><td>{k.lastUsedMs ? fmtTime(k.lastUsedMs) : '—'}</td>
                <td><span className={`pill ${k.revokedAtMs ? 'rejected' : 'confirmed'}`}>{w(k.revokedAtMs ? 'revoked' : 'keyActive')}</span></td>
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
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError('');
    if (picked.length === 0) {
      setError(w('scopesNeeded'));
      return;
    }
    setBusy(true);
    try {
      const k = await api<NewApiKey>('POST', '/api/apikeys', { name: name.trim(), scopes: picked, rateLimitPerMin: Number(rate) });
      setName(''); setPicked([]); setRate('600');
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
      <label htmlFor="nk-rate">{w('rateLimit')}</label>
      <input id="nk-rate" type="number" required min={1} max={100000} step={1} value={rate} onChange={(e) => setRate(e.target.value)} />
      {error && <p className="error" role="alert">{error}</p>}
      <button type="submit" className="primary" disabled={busy}>{w('addKey')}</button>
    </form>
  );
}

import { useState, type FormEvent } from 'react';
import { ApiError, get, login, type Me } from '../api';
import { useI18n } from '../i18n';

export function LoginPage({ expired, onLogin }: { expired: boolean; onLogin(me: Me): void }) {
  const { t, lang, setLang } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      await login(username, password);
      onLogin(await get<Me>('/api/auth/me'));
    } catch (err) {
      setError(err instanceof ApiError && err.status === 429 ? t('locked') : err instanceof ApiError && err.status === 401 ? t('badLogin') : `${t('error')}: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="login">
      <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
        <div className="brand big"><span className="logo" aria-hidden="true">◉</span> ARGUS</div>
        <h1 id="login-title">{t('appName')}</h1>
        {expired && <p className="notice" role="status">{t('expired')}</p>}
        <label htmlFor="username">{t('username')}</label>
        <input id="username" name="username" autoComplete="username" required autoFocus value={username} onChange={(e) => setUsername(e.target.value)} />
        <label htmlFor="password">{t('password')}</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        {error && <p className="error" role="alert">{error}</p>}
        <button type="submit" className="primary" disabled={busy}>{t('signIn')}</button>
        <button type="button" className="ghost" onClick={() => setLang(lang === 'vi' ? 'en' : 'vi')}>{t('language')}</button>
      </form>
    </main>
  );
}

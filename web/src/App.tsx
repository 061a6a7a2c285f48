import { useCallback, useEffect, useMemo, useState } from 'react';
import { get, logout, setUnauthorizedHandler, type Me } from './api';
import { I18nContext, makeI18n, type Key, type Lang } from './i18n';
import { useLive } from './live';
import { AlertsPage } from './pages/Alerts';
import { LoginPage } from './pages/Login';
import { MapPage } from './pages/MapPage';
import { PlatesPage } from './pages/Plates';
import { ViolationsPage } from './pages/Violations';

type Page = 'map' | 'alerts' | 'violations' | 'plates';
const PAGES: Array<{ id: Page; label: Key }> = [
  { id: 'map', label: 'map' }, { id: 'alerts', label: 'alerts' }, { id: 'violations', label: 'violations' }, { id: 'plates', label: 'plates' },
];

function pageFromHash(): Page {
  const h = location.hash.replace(/^#\/?/, '');
  return (PAGES.find((p) => p.id === h)?.id ?? 'map');
}

export function App() {
  const [lang, setLangState] = useState<Lang>(() => (localStorage.getItem('argus.lang') === 'en' ? 'en' : 'vi'));
  const setLang = useCallback((l: Lang) => {
    localStorage.setItem('argus.lang', l);
    setLangState(l);
  }, []);
  const i18n = useMemo(() => makeI18n(lang, setLang), [lang, setLang]);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [expired, setExpired] = useState(false);
  const [page, setPage] = useState<Page>(pageFromHash);
  useEffect(() => {
    setUnauthorizedHandler(() => {
      setMe((cur) => {
        if (cur) setExpired(true);
        return null;
      });
    });
    get<Me>('/api/auth/me').then(setMe).catch(() => setMe(null));
    const onHash = () => setPage(pageFromHash());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  const live = useLive(Boolean(me));
  const unacked = live.alerts.filter((a) => !a.acknowledgedAtMs).length;

  let body;
  if (me === undefined) body = <main className="loading" aria-busy="true" />;
  else if (me === null) body = <LoginPage expired={expired} onLogin={(m) => { setExpired(false); setMe(m); }} />;
  else {
    body = (
      <div className="shell">
        <header className="topbar">
          <a className="skip" href="#content">Skip</a>
          <div className="brand" aria-label="Argus"><span className="logo" aria-hidden="true">◉</span> ARGUS <span className="sub">{i18n.t('appName').split('–')[1]}</span></div>
          <nav aria-label="main">
            {PAGES.map((p) => (
              <a key={p.id} href={`#/${p.id}`} aria-current={page === p.id ? 'page' : undefined} className={page === p.id ? 'active' : ''}>
                {i18n.t(p.label)}
                {p.id === 'alerts' && unacked > 0 && <span className="badge" aria-label={`${unacked}`}>{unacked}</span>}
              </a>
            ))}
          </nav>
          <div className="right">
            <span className={`livedot ${live.connected ? 'on' : 'off'}`} role="status">{live.connected ? i18n.t('live') : i18n.t('liveOff')}</span>
            <button type="button" className="ghost" onClick={() => setLang(lang === 'vi' ? 'en' : 'vi')} lang={lang === 'vi' ? 'en' : 'vi'}>{i18n.t('language')}</button>
            <span className="user">{me.username}</span>
            <button type="button" className="ghost" onClick={() => { void logout().finally(() => setMe(null)); }}>{i18n.t('signOut')}</button>
          </div>
        </header>
        <main id="content" tabIndex={-1}>
          {page === 'map' && <MapPage live={live} />}
          {page === 'alerts' && <AlertsPage live={live} me={me} />}
          {page === 'violations' && <ViolationsPage me={me} />}
          {page === 'plates' && <PlatesPage />}
        </main>
      </div>
    );
  }
  return <I18nContext.Provider value={i18n}>{body}</I18nContext.Provider>;
}

import { lazy, Suspense, useCallback, useEffect, useMemo, useState, type ComponentType, type LazyExoticComponent } from 'react';
import { get, logout, setUnauthorizedHandler, type Me } from './api';
import type { Permission } from '@contract';
import { I18nContext, makeI18n, type Key, type Lang } from './i18n';
import { useLive } from './live';
import { AlertsPage } from './pages/Alerts';
import { LoginPage } from './pages/Login';
import { MapPage } from './pages/MapPage';
import { PlatesPage } from './pages/Plates';
import { ViolationsPage } from './pages/Violations';
import { usePendingRequests } from './pendingRequests';

/** What every page gets: the live push, who is signed in, and the rest of the hash path (`#/camera/cam-1` → ['cam-1']). */
export interface PageProps { live: ReturnType<typeof useLive>; me: Me; params: string[] }

type Page = 'map' | 'wall' | 'camera' | 'alerts' | 'violations' | 'plates' | 'faces' | 'attributes' | 'dashboard' | 'reports' | 'requests' | 'editor' | 'admin';
/** Pages in the menu (camera and editor are reached from a camera, not the menu); `perm` hides what the role may not use. */
const PAGES: Array<{ id: Page; label: Key; menu: boolean; perm?: Permission | Permission[] }> = [
  { id: 'map', label: 'map', menu: true }, { id: 'wall', label: 'wall', menu: true }, { id: 'camera', label: 'camera', menu: false },
  { id: 'alerts', label: 'alerts', menu: true }, { id: 'violations', label: 'violations', menu: true, perm: 'violations.read' },
  { id: 'plates', label: 'plates', menu: true, perm: 'plates.search' }, { id: 'faces', label: 'faces', menu: true, perm: 'faces.view' }, { id: 'attributes', label: 'attributes', menu: true, perm: 'people.search' },
  { id: 'dashboard', label: 'dashboard', menu: true, perm: 'counts.read' },
  { id: 'reports', label: 'reports', menu: true, perm: 'reports.read' },
  { id: 'requests', label: 'requests', menu: true, perm: ['requests.create', 'requests.approve'] },
  { id: 'editor', label: 'editor', menu: false, perm: 'cameras.write' }, { id: 'admin', label: 'admin', menu: true, perm: ['users.read', 'apikeys.write', 'watchlists.read', 'audit.read'] },
];
/** Heavier screens load on first use, so the first paint of the map stays small. */
const LAZY: Partial<Record<Page, LazyExoticComponent<ComponentType<PageProps>>>> = {
  wall: lazy(() => import('./pages/Wall').then((m) => ({ default: m.WallPage }))),
  camera: lazy(() => import('./pages/Camera').then((m) => ({ default: m.CameraPage }))),
  faces: lazy(() => import('./pages/Faces').then((m) => ({ default: m.FacesPage }))),
  dashboard: lazy(() => import('./pages/Dashboard').then((m) => ({ default: m.DashboardPage }))),
  reports: lazy(() => import('./pages/Reports').then((m) => ({ default: m.ReportsPage }))),
  requests: lazy(() => import('./pages/Requests').then((m) => ({ default: m.RequestsPage }))),
  editor: lazy(() => import('./pages/Editor').then((m) => ({ default: m.EditorPage }))),
  admin: lazy(() => import('./pages/Admin').then((m) => ({ default: m.AdminPage }))),
  attributes: lazy(() => import('./pages/Attributes').then((m) => ({ default: m.AttributesPage }))),
};

function routeFromHash(): { page: Page; params: string[] } {
  const [head, ...rest] = location.hash.replace(/^#\/?/, '').split('/').map((s) => decodeURIComponent(s));
  return { page: PAGES.find((p) => p.id === head)?.id ?? 'map', params: rest };
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
  const [{ page, params }, setRoute] = useState(routeFromHash);
  useEffect(() => {
    setUnauthorizedHandler(() => {
      setMe((cur) => {
        if (cur) setExpired(true);
        return null;
      });
    });
    get<Me>('/api/auth/me').then(setMe).catch(() => setMe(null));
    const onHash = () => setRoute(routeFromHash());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  const live = useLive(Boolean(me));
  const unacked = live.alerts.filter((a) => !a.acknowledgedAtMs).length;
  const pendingRequests = usePendingRequests(me?.permissions.includes('requests.approve') ?? false, page);

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
            {PAGES.filter((p) => p.menu && (!p.perm || [p.perm].flat().some((x) => me.permissions.includes(x)))).map((p) => (
              <a key={p.id} href={`#/${p.id}`} aria-current={page === p.id ? 'page' : undefined} className={page === p.id ? 'active' : ''}>
                {i18n.t(p.label)}
                {p.id === 'alerts' && unacked > 0 && <span className="badge" aria-label={`${unacked}`}>{unacked}</span>}
                {p.id === 'requests' && pendingRequests > 0 && <span className="badge info" data-testid="requests-pending" aria-label={`${pendingRequests}`}>{pendingRequests}</span>}
              </a>
            ))}
          </nav>
          <div className="right">
            <span className={`livedot ${live.connected ? 'on' : 'off'}`} role="status">{live.connected ? i18n.t('live') : i18n.t('liveOff')}</span>
            <button type="button" className="ghost" onClick={() => setLang(lang === 'vi' ? 'en' : 'vi')} lang={lang === 'vi' ? 'en' : 'vi'}>{i18n.t('language')}</button>
            <span className="user">{me.username}</span>
            {/* The name is hidden on a narrow top bar (styles.css): the sign-out button still says who is signed in. */}
            <button type="button" className="ghost" title={`${i18n.t('signOut')} (${me.username})`} onClick={() => { void logout().finally(() => setMe(null)); }}>{i18n.t('signOut')}</button>
          </div>
        </header>
        <main id="content" tabIndex={-1}>
          {page === 'map' && <MapPage live={live} />}
          {page === 'alerts' && <AlertsPage live={live} me={me} />}
          {page === 'violations' && <ViolationsPage me={me} />}
          {page === 'plates' && <PlatesPage />}
          {LAZY[page] && (() => {
            const Lazy = LAZY[page];
            return <Suspense fallback={<p className="loading" aria-busy="true" />}><Lazy live={live} me={me} params={params} /></Suspense>;
          })()}
        </main>
      </div>
    );
  }
  return <I18nContext.Provider value={i18n}>{body}</I18nContext.Provider>;
}

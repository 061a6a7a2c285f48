/**
 * Faces (`#/faces/<tab>`, Khuôn mặt; issue #24): the face watch lists with enrolment, the matches with both faces and
 * the operator's decision, and person search with its route. Faces are sensitive personal data: the page and its menu
 * entry exist only for faces.view; a tab the role may not use is not shown, and the API refuses it anyway.
 */
import type { Permission } from '@contract';
import type { PageProps } from '../App';
import { useDict } from '../i18n';
import { ListsTab } from './faces/Lists';
import { MatchesTab } from './faces/Matches';
import { SearchTab } from './faces/Search';
import { WORDS } from './faces/words';
import './admin/admin.css';
import './faces/faces.css';

type Tab = 'lists' | 'matches' | 'search';
const TABS: Array<{ id: Tab; perm: Permission }> = [{ id: 'lists', perm: 'faces.view' }, { id: 'matches', perm: 'faces.view' }, { id: 'search', perm: 'faces.search' }];

export function FacesPage({ me, live, params }: PageProps) {
  const w = useDict(WORDS);
  const allowed = TABS.filter((t) => me.permissions.includes(t.perm));
  const tab = TABS.find((t) => t.id === params[0]) ?? allowed[0];
  return (
    <section className="page faces" aria-labelledby="faces-title" data-testid="faces-page">
      <div className="toolbar">
        <h1 id="faces-title">{w('title')}</h1>
        <nav className="admin-tabs" aria-label={w('tabs')}>
          {allowed.map((t) => (
            <a key={t.id} href={`#/faces/${t.id}`} aria-current={tab?.id === t.id ? 'page' : undefined} className={tab?.id === t.id ? 'active' : ''}>{w(t.id)}</a>
          ))}
        </nav>
      </div>
      <p className="muted small privacy">{w('privacy')}</p>
      {!tab || !allowed.includes(tab) ? <p className="notice" role="status">{w('noAccess')}</p> : (
        <div className="faces-body" data-testid={`faces-${tab.id}`}>
          {tab.id === 'lists' && <ListsTab me={me} selected={params[1] ?? null} />}
          {tab.id === 'matches' && <MatchesTab me={me} live={live} />}
          {tab.id === 'search' && <SearchTab faceId={params[1] ?? null} onClearFace={() => { location.hash = '#/faces/search'; }} />}
        </div>
      )}
    </section>
  );
}

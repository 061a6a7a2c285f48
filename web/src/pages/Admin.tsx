/**
 * Administration (`#/admin/<tab>`): users and roles, monitoring centres, API keys, watch lists (with CSV import), the audit log, cameras
 * (with "Add from network (ONVIF)") and the system.
 * A tab the role may not use is not shown; the API refuses it anyway.
 */
import type { PageProps } from '../App';
import { useDict } from '../i18n';
import { ApiKeysTab } from './admin/ApiKeys';
import { AuditTab } from './admin/Audit';
import { CamerasTab } from './admin/Cameras';
import { CentresTab } from './admin/Centres';
import type { Permission } from '@contract';
import { may } from './admin/may';
import { SystemTab } from './admin/System';
import { UsersTab } from './admin/Users';
import { WatchListsTab } from './admin/WatchLists';
import { WORDS } from './admin/words';
import './admin/admin.css';

type Tab = 'users' | 'centres' | 'keys' | 'watchlists' | 'audit' | 'cameras' | 'system';
const TABS: Array<{ id: Tab; perm: Permission }> = [
  { id: 'users', perm: 'users.read' }, { id: 'centres', perm: 'users.read' }, { id: 'keys', perm: 'apikeys.write' }, { id: 'watchlists', perm: 'watchlists.read' }, { id: 'audit', perm: 'audit.read' },
  { id: 'cameras', perm: 'cameras.write' },
  { id: 'system', perm: 'cameras.status' },
];

export function AdminPage({ me, params }: PageProps) {
  const w = useDict(WORDS);
  const allowed = TABS.filter((t) => may(me.permissions, t.perm));
  const asked = TABS.find((t) => t.id === params[0]);
  const tab = asked ?? allowed[0];
  return (
    <section className="page admin" aria-labelledby="admin-title">
      <div className="toolbar">
        <h1 id="admin-title">{w('title')}</h1>
        <nav className="admin-tabs" aria-label={w('tabs')}>
          {allowed.map((t) => (
            <a key={t.id} href={`#/admin/${t.id}`} aria-current={tab?.id === t.id ? 'page' : undefined} className={tab?.id === t.id ? 'active' : ''}>{w(t.id)}</a>
          ))}
        </nav>
      </div>
      {!tab || !allowed.includes(tab) ? <p className="notice" role="status">{w('noAccess')}</p> : (
        <div className="admin-body" data-testid={`admin-${tab.id}`}>
          <h2 className="sr">{w(tab.id)}</h2>
          {tab.id === 'users' && <UsersTab me={me} />}
          {tab.id === 'centres' && <CentresTab me={me} />}
          {tab.id === 'keys' && <ApiKeysTab />}
          {tab.id === 'watchlists' && <WatchListsTab me={me} selected={params[1] ?? null} />}
          {tab.id === 'audit' && <AuditTab me={me} />}
          {tab.id === 'cameras' && <CamerasTab />}
          {tab.id === 'system' && <SystemTab />}
        </div>
      )}
    </section>
  );
}

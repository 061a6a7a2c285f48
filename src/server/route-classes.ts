/**
 * What each route serves and what it audits: the source of docs/security.md "Routes: who, what data, what is
 * audited" (`routeSecurityTable`, written by src/server/testing/security-doc.ts). Who may call a route is derived from the
 * route's permission and rbac.ts; a test checks that every route of the router is classified here and that the
 * document is the generated one.
 */
import type { RouteDoc } from './http.js';
import { CLASS_PERMISSION, PERMISSIONS, permissionsOfApiKey, ROLE_PERMISSIONS, ROLES, type DataClass, type Permission } from './rbac.js';

/** The data classes of data-class.ts, and the kinds of data that only a route's permission guards. */
export type RouteData = DataClass | 'footage' | 'config' | 'accounts' | 'audit' | 'system';

export interface RouteClass {
  readonly data: readonly RouteData[];
  /** Classes served in full only with their CLASS_PERMISSION, else redacted (data-class.ts). */
  readonly redacts?: readonly Exclude<DataClass, 'traffic'>[];
  /** The audit actions the route writes, and when. */
  readonly audit: string;
}

const NONE = '—';
const c = (data: readonly RouteData[], audit = NONE, redacts?: RouteClass['redacts']): RouteClass => (redacts ? { data, audit, redacts } : { data, audit });

export const ROUTE_CLASSES: Readonly<Record<string, RouteClass>> = {
  'GET /api/health': c(['system']),
  'POST /api/auth/login': c(['accounts'], '`auth.login`, `auth.login_failed`'),
  'POST /api/auth/logout': c(['accounts'], '`auth.logout` (the session\'s live streams end)'),
  'GET /api/auth/me': c(['accounts']),
  'GET /api/openapi.json': c(['system']),
  'GET /api/sites': c(['config']),
  'GET /api/sites/:id': c(['config']),
  'PUT /api/sites/:id': c(['config'], '`site.upsert`'),
  'DELETE /api/sites/:id': c(['config'], '`site.delete`'),
  'GET /api/cameras': c(['config', 'traffic']),
  'GET /api/cameras/status': c(['traffic']),
  'GET /api/cameras/:id': c(['config', 'traffic']),
  'POST /api/cameras': c(['config'], '`camera.add`'),
  'PATCH /api/cameras/:id': c(['config'], '`camera.edit`'),
  'DELETE /api/cameras/:id': c(['config'], '`camera.remove`'),
  'POST /api/onvif/discover': c(['config'], '`onvif.discover` (how many answered)'),
  'POST /api/onvif/probe': c(['config'], '`onvif.probe` (device URL, user name, profiles found or the error; never the password)'),
  'GET /api/events': c(['traffic', 'plate', 'violation'], '`plate.view` (via events, rows served with plate text) when > 0', ['plate', 'violation']),
  'GET /api/events/:id': c(['traffic', 'plate', 'violation'], '`plate.view` when served with plate text', ['plate', 'violation']),
  'GET /api/counts': c(['traffic']),
  'GET /api/violations': c(['violation'], '`plate.view` (via violations, rows with a plate) when > 0 or `?plate=` is given'),
  'GET /api/violations.csv': c(['violation'], '`export.csv` (rows and the filter, plate included)'),
  'GET /api/violations/:id': c(['violation'], '`evidence.view`'),
  'POST /api/violations/:id/review': c(['violation'], '`violation.review`'),
  'GET /api/plates/search': c(['plate'], '`plate.search`'),
  'GET /api/plates/trace': c(['plate'], '`plate.trace`'),
  'GET /api/watchlists': c(['watchlist']),
  'POST /api/watchlists': c(['watchlist'], '`watchlist.create`'),
  'GET /api/watchlists/:id': c(['watchlist', 'plate']),
  'PATCH /api/watchlists/:id': c(['watchlist'], '`watchlist.edit`'),
  'DELETE /api/watchlists/:id': c(['watchlist'], '`watchlist.delete`'),
  'POST /api/watchlists/:id/entries': c(['watchlist', 'plate'], '`watchlist.entries_add`'),
  'DELETE /api/watchlists/:id/entries/:entryId': c(['watchlist'], '`watchlist.entry_remove`'),
  'POST /api/watchlists/:id/import': c(['watchlist', 'plate'], '`watchlist.import`'),
  'GET /api/alerts': c(['traffic', 'watchlist', 'plate', 'face'], '`plate.view` (via alerts, watch-list hits served in full) when > 0', ['watchlist', 'plate', 'face']),
  'POST /api/alerts/:id/ack': c(['traffic', 'watchlist', 'plate', 'face'], '`alert.ack`; `plate.view` when served in full', ['watchlist', 'plate', 'face']),
  'GET /api/roles': c(['accounts']),
  'GET /api/users': c(['accounts']),
  'POST /api/users': c(['accounts'], '`user.create`'),
  'PATCH /api/users/:id': c(['accounts'], '`user.edit` (the user\'s live streams are re-checked)'),
  'DELETE /api/users/:id': c(['accounts'], '`user.delete` (the user\'s live streams end)'),
  'GET /api/apikeys': c(['accounts']),
  'POST /api/apikeys': c(['accounts'], '`apikey.create`'),
  'DELETE /api/apikeys/:id': c(['accounts'], '`apikey.revoke` (the key\'s live streams end)'),
  'GET /api/audit': c(['audit'], '`audit.read`'),
  'GET /api/audit/verify': c(['audit']),
  'GET /api/live': c(['traffic', 'plate', 'violation', 'watchlist'], '`plate.view` (via live) once at open when the caller reads a plate-bearing class', ['plate', 'violation', 'watchlist']),
  'GET /api/map': c(['system']),
  'GET /api/map/tiles.pmtiles': c(['system']),
  'GET /api/map/boundaries/provinces': c(['system']),
  'GET /api/map/boundaries/districts': c(['system']),
  'GET /api/stats/violations': c(['violation']),
  'GET /api/stats/flow': c(['traffic']),
  'GET /api/cameras/:id/heatmap': c(['traffic']),
  'GET /api/face-lists': c(['face']),
  'GET /api/faces/far-curve': c(['face']),
  'POST /api/face-lists': c(['face'], '`facelist.create`'),
  'GET /api/face-lists/:id': c(['face'], '`facelist.view`'),
  'PATCH /api/face-lists/:id': c(['face'], '`facelist.edit`'),
  'DELETE /api/face-lists/:id': c(['face'], '`facelist.delete`'),
  'POST /api/face-lists/:id/persons': c(['face'], '`face.enrol` (name, reason, legal basis, expiry)'),
  'DELETE /api/face-persons/:id': c(['face'], '`face.unenrol`'),
  'GET /api/face-persons/:id/photos/:enrolmentId': c(['face'], '`face.view` once per actor and photo per minute'),
  'GET /api/faces/:id/image': c(['face'], '`face.view` once per actor and face per minute'),
  'GET /api/face-matches': c(['face'], '`face.view` (rows served)'),
  'POST /api/face-matches/:id/decision': c(['face'], '`face.decide` (decision, note)'),
  'POST /api/faces/search': c(['face'], '`faces.search` (the reason, how, hits)'),
  'GET /api/stats/congestion': c(['traffic']),
  'POST /api/incidents': c(['traffic'], '`incident.report`; raises an `incident` alert'),
  'GET /api/incidents': c(['traffic']),
  'GET /api/incidents/:id': c(['traffic']),
  'PATCH /api/incidents/:id': c(['traffic'], '`incident.update`'),
  'GET /api/incidents/:id/photos/:n': c(['traffic', 'footage'], '`incident.photo.view` (every look)'),
  'POST /api/requests': c(['config'], '`share.request`'),
  'GET /api/requests': c(['config']),
  'GET /api/requests/:id': c(['config']),
  'POST /api/requests/:id/approve': c(['footage', 'plate', 'violation'], '`share.approve`, `share.package` (manifest digest, files, key id)'),
  'POST /api/requests/:id/refuse': c(['config'], '`share.refuse` (the reason)'),
  'POST /api/requests/:id/revoke': c(['config'], '`share.revoke`'),
  'GET /api/requests/:id/package': c(['footage', 'plate', 'violation'], '`share.download` (every download)'),
  'GET /api/shares/:token': c(['footage', 'plate', 'violation'], '`share.view` (every look, with the token id and the address; no sign-in)'),
  'GET /api/reports/data': c(['violation', 'traffic'], '`report.view` (aggregates only: no plate, face or picture)'),
  'GET /api/reports/export': c(['violation', 'traffic'], '`report.export`'),
  'GET /api/reports/schedules': c(['config']),
  'POST /api/reports/schedules': c(['config'], '`report.schedule`; each report made: `report.generate`'),
  'DELETE /api/reports/schedules/:id': c(['config'], '`report.unschedule`'),
  'GET /api/reports/files': c(['config']),
  'GET /api/reports/files/:id': c(['violation', 'traffic'], '`report.download`'),
  'GET /api/centres': c(['accounts']),
  'POST /api/centres': c(['accounts'], '`centre.create` (area and members)'),
  'PATCH /api/centres/:id': c(['accounts'], '`centre.edit` (fields, area, members before and after; the live streams are re-checked)'),
  'DELETE /api/centres/:id': c(['accounts'], '`centre.delete` (its members then; the live streams are re-checked)'),
  'GET /api/centres/mine': c(['config']),
  'PUT /api/centres/mine/layouts': c(['config'], '`centre.layout.save` (name, cameras)'),
  'DELETE /api/centres/mine/layouts/:id': c(['config'], '`centre.layout.delete`'),
  'PUT /api/centres/mine/filters': c(['config'], '`centre.filter.save` (name, cameras)'),
  'DELETE /api/centres/mine/filters/:id': c(['config'], '`centre.filter.delete`'),
  'POST /api/ingest/sightings': c(['plate']),
  'GET /api/search/attributes': c(['traffic'], '`search.attributes` (the query: class, colours, window, cameras or site; hits)'),
  'GET /api/tracks/:id/crop.jpg': c(['traffic', 'footage'], '`footage.view` (track-crop)'),
  'GET /api/sightings/:id/crop.jpg': c(['plate', 'footage'], '`footage.view` (plate-crop)'),
  'GET /api/violations/:id/evidence/:evidenceId': c(['violation', 'footage'], '`export.evidence` (faces pixelated but listed persons\'); `face.unblur` with the reason for `original=true`'),
  'GET /api/violations/:id/evidence/:evidenceId/files/:file': c(['violation', 'footage'], '`export.evidence` (faces pixelated but listed persons\'); `face.unblur` with the reason for `original=true`'),
  'GET /api/cameras/:id/snapshot.jpg': c(['footage'], '`footage.view` (one per caller and camera a minute)'),
  'GET /api/cameras/:id/live.m3u8': c(['footage'], '`footage.view`'),
  'GET /api/cameras/:id/overlay': c(['footage'], '`footage.view` (the live look: one per caller and camera a minute, also while the stream stays open)'),
  'GET /api/cameras/:id/hls/:segment': c(['footage']),
  'GET /api/cameras/:id/recordings': c(['footage']),
  'GET /api/recordings/:cameraId/:file': c(['footage'], '`footage.view`'),
  'GET /api/violations/:id/notice.pdf': c(['violation', 'footage'], '`export.notice` (faces pixelated but listed persons\')'),
};

export const routeKey = (d: Pick<RouteDoc, 'method' | 'url'>): string => `${d.method} ${d.url}`;

const KEY_PERMISSIONS = permissionsOfApiKey(PERMISSIONS);

/** Who may call a route with this permission: roles (from rbac.ts) and whether an API key may. */
export function whoMay(permission: string): string {
  if (permission === 'public') return 'anyone';
  if (permission === 'authenticated') return 'any user or key';
  const roles = ROLES.filter((r) => (ROLE_PERMISSIONS[r] as readonly string[]).includes(permission));
  return [...roles, ...(KEY_PERMISSIONS.has(permission as Permission) ? ['key'] : [])].join(', ');
}

function dataText(k: RouteClass): string {
  return k.data.map((d) => (k.redacts?.includes(d as Exclude<DataClass, 'traffic'>) ? `${d} [${CLASS_PERMISSION[d as Exclude<DataClass, 'traffic'>]}]` : d)).join(', ');
}

/** The markdown table of every route (throws on a route with no class: classify it above). */
export function routeSecurityTable(docs: readonly RouteDoc[]): string {
  const rows = docs.map((d) => {
    const k = ROUTE_CLASSES[routeKey(d)];
    if (!k) throw new Error(`route ${routeKey(d)} has no data class in src/server/route-classes.ts`);
    return `| \`${d.method} ${d.url}\` | ${d.permission} | ${whoMay(d.permission)} | ${dataText(k)} | ${k.audit} |`;
  });
  return ['| route | permission | who (roles; key = API key) | data | audited |', '|---|---|---|---|---|', ...rows].join('\n');
}

export const TABLE_BEGIN = '<!-- route-table:begin (generated by src/server/testing/security-doc.ts) -->';
export const TABLE_END = '<!-- route-table:end -->';

/** The document with its generated table replaced (between TABLE_BEGIN and TABLE_END). */
export function replaceRouteTable(doc: string, docs: readonly RouteDoc[]): string {
  const [i, j] = [doc.indexOf(TABLE_BEGIN), doc.indexOf(TABLE_END)];
  if (i < 0 || j < i) throw new Error(`the document has no ${TABLE_BEGIN} … ${TABLE_END} block`);
  return `${doc.slice(0, i + TABLE_BEGIN.length)}\n${routeSecurityTable(docs)}\n${doc.slice(j)}`;
}

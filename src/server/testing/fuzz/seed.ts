/**
 * The store the API fuzzer runs against: a little of everything (a site and cameras, sightings, events, violations
 * with an evidence package, alerts, a watch list, a recorded segment), callers for every role plus a partner key and
 * an ingest key, sacrificial targets (a user, a key) that write routes may edit or delete without cutting off the
 * callers, and the hints: the ids and filters that make valid inputs reach the handlers.
 */
import { cp, mkdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { newKeys, speedingInput } from '../../../evidence/testing/fixture.js';
import { writeEvidence } from '../../../evidence/writer.js';
import { newApiKey } from '../../auth.js';
import { permissionsOfApiKey, permissionsOfRoles, ROLE_PERMISSIONS, ROLES, type Permission } from '../../rbac.js';
import { createUser } from '../../users.js';
import { TestClient, type TestServer } from '../harness.js';

export const T0 = Date.UTC(2026, 10, 20, 8, 0, 0);
const VICTIM_PASSWORD = 'victim-password-123';

export interface Caller {
  readonly name: string;
  readonly client: TestClient;
  /** null: no session (anonymous). */
  readonly permissions: ReadonlySet<Permission> | null;
  /** A cookie session (sends CSRF; a logout ends it and it signs in again). */
  readonly session: boolean;
  relogin(): Promise<void>;
}

async function keyCaller(t: TestServer, name: string, scopes: readonly Permission[]): Promise<Caller> {
  const key = newApiKey();
  // A key acts for a living owner and expires (auth.ts keyPrincipal): the admin owns the fuzz keys, for a day.
  const owner = await t.store.getUserByUsername('admin');
  await t.store.createApiKey({ id: key.id, name, keyHash: key.keyHash, prefix: key.prefix, scopes: [...scopes], scope: {}, rateLimitPerMin: 1_000_000, ownerUserId: owner?.id ?? null, createdAtMs: Date.now(), expiresAtMs: Date.now() + 86_400_000, revokedAtMs: null, lastUsedMs: null });
  const client = new TestClient(t.url);
  client.bearer = key.secret;
  return { name, client, permissions: permissionsOfApiKey(scopes), session: false, relogin: async () => undefined };
}

async function sessionCaller(t: TestServer, role: string): Promise<Caller> {
  const caller: Caller = {
    name: role, client: await TestClient.login(t.url, role), permissions: permissionsOfRoles([role]), session: true,
    async relogin() {
      const fresh = await TestClient.login(t.url, role);
      caller.client.cookie = fresh.cookie;
      caller.client.csrf = fresh.csrf;
    },
  };
  return caller;
}

/** Every caller: one per role (cookie session), the partner key, the ingest key, and no session. */
export async function callers(t: TestServer): Promise<Caller[]> {
  const out: Caller[] = [];
  for (const role of ROLES) out.push(await sessionCaller(t, role));
  out.push(await keyCaller(t, 'partner-key', ROLE_PERMISSIONS.partner));
  out.push(await keyCaller(t, 'ingest-key', ['ingest.write']));
  out.push({ name: 'anonymous', client: new TestClient(t.url), permissions: null, session: false, relogin: async () => undefined });
  return out;
}

/** Seeds the store and the data folder; returns the hints of each route (values by field name). */
export async function seedFuzzStore(t: TestServer): Promise<(method: string, url: string) => Map<string, unknown[]>> {
  const s = t.store;
  await s.upsertSite({ id: 'fz-site2', name: 'Trạm trống', timeZone: 'Asia/Ho_Chi_Minh', district: null, ward: null, location: null });
  await s.upsertCamera({ id: 'fz-cam2', siteId: 'fz-site', name: 'Camera 2', kind: 'gateway', url: 'rtsp://127.0.0.1:9/fz2', enabled: false, location: { lat: 16.07, lng: 108.22 }, zones: { area: { district: 'Hải Châu' } }, rules: [], updatedAtMs: T0 });
  const sighting = (id: string, cameraId: string, atMs: number, plateKey: string) => ({ id, cameraId, atMs, plateKey, display: plateKey, confidence: 0.9, category: 'private', cls: 'car', trackId: 1, direction: null, cropRef: null });
  await s.insertSightings([sighting('fzs1', 'fz-cam', T0, '43A12345'), sighting('fzs2', 'fz-cam2', T0 + 60_000, '43A12345'), sighting('fzs3', 'fz-cam', T0 + 90_000, '92B56789')]);
  await s.insertEvents(Array.from({ length: 4 }, (_, i) => ({ id: `fze${i}`, cameraId: i % 2 ? 'fz-cam' : 'fz-cam2', atMs: T0 + i * 1000, kind: i % 2 ? 'line.cross' : 'plate.read', payload: { i, plate: '43A12345' } })));
  await s.insertViolation({ id: 'fzv1', cameraId: 'fz-cam', atMs: T0, kind: 'red_light', plateKey: '43A12345', plateDisplay: '43A-123.45', details: {} });
  await s.insertViolation({ id: 'fzv2', cameraId: 'fz-cam2', atMs: T0, kind: 'wrong_way', plateKey: null, plateDisplay: null, details: {} });
  await s.insertViolation({ id: 'fzv3', cameraId: 'fz-cam', atMs: T0, kind: 'speeding', plateKey: '92A12345', plateDisplay: '92A-123.45', details: {} });
  // fzv1: a real signed package; fzv3: the same package damaged on disk (its composite cut short: a disk fault).
  const evidence = join(t.dataDir, 'evidence');
  const written = await writeEvidence(await speedingInput(evidence, await newKeys(), 'fzv1'));
  await s.putEvidence({ id: 'fzv1-pkg', violationId: 'fzv1', eventId: null, kind: 'manifest', path: 'fzv1', sha256: written.manifestSha256, bytes: 0, createdAtMs: T0 });
  await cp(written.dir, join(evidence, 'fzv3'), { recursive: true });
  await truncate(join(evidence, 'fzv3', 'composite.jpg'), 100);
  await s.putEvidence({ id: 'fzv3-pkg', violationId: 'fzv3', eventId: null, kind: 'manifest', path: 'fzv3', sha256: written.manifestSha256, bytes: 0, createdAtMs: T0 });
  await s.insertAlert({ id: 'fza1', cameraId: 'fz-cam', atMs: T0, kind: 'watchlist_hit', severity: 'warning', message: 'fuzz', payload: { plateKey: '43A12345', note: 'x' } });
  await s.insertAlert({ id: 'fza2', cameraId: null, atMs: T0, kind: 'disk_full', severity: 'critical', message: 'fuzz', payload: {} });
  await s.upsertWatchList({ id: 'fzw1', name: 'Xe mất cắp', description: '', severity: 'critical', createdAtMs: T0 });
  await s.addWatchEntries('fzw1', [{ id: 'fzwe1', pattern: '43A*', note: 'fuzz', createdAtMs: T0, expiresAtMs: null }]);
  await s.insertIncident({ id: 'fzi1', type: 'accident', description: 'fuzz', location: { lat: 16.07, lng: 108.22 }, atMs: T0, district: 'Hải Châu', reportedBy: 'fuzz',
    cameraIds: ['fz-cam'], eventIds: [], status: 'open', createdAtMs: T0, updatedAtMs: T0 }, [{ sha256: 'fuzz', content: Buffer.from(TINY_JPEG, 'base64') }]);
  const reportBytes = Uint8Array.from([0x25, 0x50, 0x44, 0x46, 0x2d]);
  await s.insertReportFile({ id: 'fzrf1', scheduleId: null, name: 'fuzz.pdf', format: 'pdf', fromMs: T0, toMs: T0 + 86_400_000, bytes: reportBytes.length, sha256: 'fuzz', createdAtMs: T0, createdBy: 'fuzz' }, reportBytes);
  const reportSchedules = ['fzrs1', 'fzrs2', 'fzrs3'];
  for (const id of reportSchedules) {
    await s.createReportSchedule({ id, name: id, period: 'daily', area: { district: null, siteId: null, cameraIds: null }, formats: ['pdf'], lang: 'vi', createdBy: 'fuzz', createdAtMs: T0, nextRunAtMs: T0 + 8.64e9, lastRunAtMs: null });
  }
  const segDir = join(t.dataDir, 'recordings', 'fz-cam');
  await mkdir(segDir, { recursive: true });
  await writeFile(join(segDir, '20261120T080000.000Z.mp4'), Buffer.alloc(4096, 1));
  const victim = await createUser(s, { username: 'fz-victim', password: VICTIM_PASSWORD, roles: ['viewer'] });
  const victimKey = newApiKey();
  await s.createApiKey({ id: victimKey.id, name: 'victim', keyHash: victimKey.keyHash, prefix: victimKey.prefix, scopes: ['plates.search'], scope: {}, rateLimitPerMin: 600, ownerUserId: victim.id, createdAtMs: T0, expiresAtMs: T0 + 86_400_000, revokedAtMs: null, lastUsedMs: null });
  const shares = await seedShareRequests(t);
  const centres = await seedCentres(t, victim.id);
  const cursors = await pageCursors(t);
  const ids: Record<string, string[]> = {
    sites: ['fz-site', 'fz-site2'], cameras: ['fz-cam', 'fz-cam2'], events: ['fze0', 'fze1'], violations: ['fzv1', 'fzv2', 'fzv3'], alerts: ['fza1', 'fza2'],
    watchlists: ['fzw1'], users: [victim.id], apikeys: [victimKey.id], sightings: ['fzs1', 'fzs2'], recordings: ['fz-cam'], incidents: ['fzi1'], reports: ['fzrf1'], requests: shares.ids,
    centres: centres.centres, layouts: centres.layouts, filters: centres.filters,
  };
  // What DELETE routes may remove: copies made to be removed, so the targets of the other routes stay.
  const doomed = await seedDoomed(t);
  const doomedIds: Record<string, string[]> = {
    ...doomed, users: [victim.id], apikeys: [victimKey.id], reports: reportSchedules, centres: centres.doomed, layouts: centres.layouts, filters: centres.filters,
  };
  const common = new Map<string, unknown[]>([
    ['entryId', ['fzwe1', 'nope']], ['evidenceId', ['fzv1-pkg', 'fzv3-pkg', 'nope']], ['cameraId', ['fz-cam', 'fz-cam2', 'nope']],
    ['file', ['composite.jpg', 'manifest.json', 'manifest.sig', 'clip.mp4', '20261120T080000.000Z.mp4']], ['segment', ['seg0.ts', 'seg1.ts']],
    ['cameras', ['fz-cam', 'fz-cam,fz-cam2', 'nope']], ['kinds', ['plate.read', 'violation,alert', 'line.cross', 'watchlist_hit,disk_full']],
    ['plate', ['43A12345', '92B56789', '43A-123.45']], ['q', ['43A12345', '43A*', '43A1234?', '43A-123.45']],
    ['from', [T0 - 86_400_000, 0]], ['to', [T0 + 86_400_000]], ['atMs', [Date.now(), Date.now() - 3_600_000]],
    ['username', ['fz-victim', 'nobody']], ['password', [VICTIM_PASSWORD, 'wrong-password']], ['source', ['rtsp://127.0.0.1:9/fz', 'rtsp://127.0.0.1:9/other']],
    ['site', ['fz-site', 'fz-site2']], ['pattern', ['43A*', '51G12345']], ['csv', ['plate,reason\n43A12345,stolen\n51G12345,"quoted, reason"\n']],
    ['tz', ['Asia/Ho_Chi_Minh', 'UTC', 'Mars/Olympus']], ['action', ['plates.search', 'auth.login']], ['cropJpeg', [TINY_JPEG]], ['photos', [[TINY_JPEG], []]], ['n', [0]],
    ['token', [shares.token, 'A'.repeat(43)]], ['fromMs', [T0, T0 - 60_000]], ['toMs', [T0 + 60_000, T0 + 600_000]], ['violationId', ['fzv1', 'fzv2', 'nope']],
    ['legalBasis', ['Điều 88 Bộ luật Tố tụng hình sự 2015']], ['expiresAtMs', [Date.now() + 3_600_000, Date.now() - 1]], ['kind', ['footage', 'plate_trace', 'evidence']],
    // Whole arrays (a hint is taken for the array 70 % of the time): a layout's tiles, a centre's members, a filter's cameras.
    ['tiles', [[], ['fz-cam'], [null]]], ['memberIds', [[victim.id], []]], ['cameraIds', [['fz-cam'], ['fz-cam', 'fz-cam2'], []]],
  ]);
  /** The hints of one route: ids and cursors of what its path names (`/api/cameras/:id` → camera ids). */
  return (method: string, url: string) => {
    // A centre's layouts and filters are named by their own ids (`/api/centres/mine/layouts/:id`).
    const what = /^\/api\/centres\/mine\/([a-z]+)/.exec(url)?.[1] ?? /^\/api\/([a-z]+)/.exec(url)?.[1] ?? '';
    const cursor = cursors[what];
    const del = method === 'DELETE';
    return new Map([
      ...common, ['id', [...((del ? doomedIds : ids)[what] ?? []), 'nope']], ['cursor', cursor ? [cursor] : Object.values(cursors)],
      ...(del && url.includes(':entryId') ? [['id', doomed.watchlists], ['entryId', doomed.entries]] as const : []),
      // A saved alert filter's kinds are a JSON array of alert kinds, not the listings' comma-separated text.
      ...(url.startsWith('/api/centres/mine/filters') ? [['kinds', [['signal_loss'], ['congestion', 'incident'], []]] as [string, unknown[]]] : []),
    ]);
  };
}

/**
 * Requests between agencies: pending ones for approve/refuse (evidence of fzv1, footage of the recorded segment, a
 * trace) and one approved through the API (its package built, revocable), with its read-only link's token.
 */
async function seedShareRequests(t: TestServer): Promise<{ ids: string[]; token: string }> {
  const partner = await t.store.getUserByUsername('partner');
  const base = {
    cameraId: null, plateKey: null, violationId: null, fromMs: null, toMs: null, reason: 'fuzz', legalBasis: 'fuzz', agency: 'fuzz', requestedBy: partner?.id ?? 'fuzz',
    requesterUserId: partner?.id ?? null, requesterName: 'partner', area: null, status: 'pending' as const, decidedBy: null, deciderName: null, decidedAtMs: null,
    decisionReason: null, expiresAtMs: null, tokenHash: null, packageSha256: null, progress: null, buildError: null, createdAtMs: T0, updatedAtMs: T0,
  };
  const ids = ['fzq1', 'fzq2', 'fzq3', 'fzq4', 'fzq5'];
  await t.store.insertShareRequest({ ...base, id: 'fzq1', kind: 'evidence', violationId: 'fzv1', cameraId: 'fz-cam' });
  await t.store.insertShareRequest({ ...base, id: 'fzq2', kind: 'footage', cameraId: 'fz-cam', fromMs: T0, toMs: T0 + 60_000 });
  await t.store.insertShareRequest({ ...base, id: 'fzq3', kind: 'plate_trace', plateKey: '43A12345', fromMs: T0 - 3_600_000, toMs: T0 + 3_600_000 });
  await t.store.insertShareRequest({ ...base, id: 'fzq4', kind: 'evidence', violationId: 'fzv1', cameraId: 'fz-cam' });
  await t.store.insertShareRequest({ ...base, id: 'fzq5', kind: 'plate_trace', plateKey: '92B56789', fromMs: T0 - 3_600_000, toMs: T0 + 3_600_000 });
  const sup = await TestClient.login(t.url, 'supervisor');
  const approved = await sup.post('/api/requests/fzq4/approve', { expiresAtMs: Date.now() + 86_400_000 });
  await sup.post('/api/auth/logout');
  const link = (approved.body as { link?: string } | null)?.link ?? '';
  return { ids, token: link.slice(link.lastIndexOf('/') + 1) || 'A'.repeat(43) };
}

/**
 * Monitoring centres: `fzc1` (everywhere: its members see what their own scope gives) with the supervisor and the admin as
 * members, so that their `/api/centres/mine` routes reach their handlers (no route is aimed at it: it stays as seeded);
 * its layouts and filters; `fzc2` (with the victim) for PATCH; centres made to be deleted.
 */
async function seedCentres(t: TestServer, victimId: string): Promise<{ centres: string[]; doomed: string[]; layouts: string[]; filters: string[] }> {
  const s = t.store;
  const members = (await Promise.all(['supervisor', 'admin'].map((u) => s.getUserByUsername(u)))).flatMap((u) => (u ? [u.id] : []));
  const centre = (id: string) => ({ id, name: `Trung tâm ${id}`, scope: {}, createdAtMs: T0, updatedAtMs: T0 });
  await s.createCentre(centre('fzc1'));
  await s.setCentreMembers('fzc1', members);
  await s.createCentre(centre('fzc2'));
  await s.setCentreMembers('fzc2', [victimId]);
  const out = { centres: ['fzc2'], doomed: [] as string[], layouts: [] as string[], filters: [] as string[] };
  for (let i = 1; i <= 4; i++) {
    await s.createCentre(centre(`fzc-del${i}`));
    out.doomed.push(`fzc-del${i}`);
    const view = { centreId: 'fzc1', updatedBy: 'fuzz', updatedAtMs: T0 };
    out.layouts.push((await s.saveCentreView({ ...view, id: `fzl${i}`, kind: 'layout', name: `Bố cục ${i}`, body: { size: 4, tiles: ['fz-cam', null] } })).id);
    out.filters.push((await s.saveCentreView({ ...view, id: `fzf${i}`, kind: 'filter', name: `Lọc ${i}`, body: { kinds: [], minSeverity: 'info', cameraIds: ['fz-cam'], districts: [] } })).id);
  }
  return out;
}

/** Copies for DELETE routes to remove: watch lists with an entry each, disabled cameras, an empty site. */
async function seedDoomed(t: TestServer): Promise<{ watchlists: string[]; entries: string[]; cameras: string[]; sites: string[] }> {
  const out = { watchlists: [] as string[], entries: [] as string[], cameras: [] as string[], sites: ['fz-site2', 'fz-site3'] };
  await t.store.upsertSite({ id: 'fz-site3', name: 'Trạm bỏ', timeZone: 'Asia/Ho_Chi_Minh', district: null, ward: null, location: null });
  for (let i = 1; i <= 4; i++) {
    await t.store.upsertWatchList({ id: `fzw-del${i}`, name: `Bỏ ${i}`, description: '', severity: 'info', createdAtMs: T0 });
    await t.store.addWatchEntries(`fzw-del${i}`, [{ id: `fzwe-del${i}`, pattern: `51G1234${i}`, note: '', createdAtMs: T0, expiresAtMs: null }]);
    await t.store.upsertCamera({ id: `fz-del${i}`, siteId: 'fz-site', name: `Bỏ ${i}`, kind: 'security', url: 'rtsp://127.0.0.1:9/del', enabled: false, location: { lat: 16, lng: 108 }, zones: {}, rules: [], updatedAtMs: T0 });
    out.watchlists.push(`fzw-del${i}`);
    out.entries.push(`fzwe-del${i}`);
    out.cameras.push(`fz-del${i}`);
  }
  return out;
}

/** The smallest JPEG header a crop check accepts (FF D8 FF …), base64. */
const TINY_JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9]).toString('base64');

/** `nextCursor` of a first page of each paged list (valid cursors for the fuzzer). */
async function pageCursors(t: TestServer): Promise<Record<string, string>> {
  const admin = await TestClient.login(t.url, 'admin');
  const out: Record<string, string> = {};
  for (const [what, path] of [['events', '/api/events?limit=1'], ['violations', '/api/violations?limit=1'], ['alerts', '/api/alerts?limit=1'], ['audit', '/api/audit?limit=1'], ['plates', '/api/plates/search?q=43A12345&limit=1']] as const) {
    const r = await admin.get(path);
    if (typeof r.body?.nextCursor === 'string') out[what] = r.body.nextCursor;
  }
  await admin.post('/api/auth/logout');
  return out;
}

/** The site config of the fuzz server: one site, one file camera (disabled: no ffmpeg), retention that never alerts. */
export const FUZZ_CONFIG = {
  version: 1,
  recordings: { minFreeDiskPct: 0, checkEveryMin: 1440 },
  sites: [{ id: 'fz-site', name: 'Công an quận Hải Châu' }],
  cameras: [{
    id: 'fz-cam', name: 'Nút giao thử', site: 'fz-site', kind: 'intersection', source: 'rtsp://127.0.0.1:9/fz', enabled: false,
    location: { lat: 16.06, lng: 108.21 }, area: { district: 'Hải Châu' }, lines: [{ id: 'l1', points: [[0, 0.5], [1, 0.5]] }],
  }],
};

/**
 * One conformance suite for every Store adapter: `runStoreConformance(name, factory)` from the adapter's
 * test file. The factory opens a store on a fresh, empty database.
 */
import { describe, expect, it } from 'vitest';
import { runAttributeConformance } from './conformance-attributes.js';
import { runAuditConformance } from './conformance-audit.js';
import { runBatchConformance } from './conformance-batch.js';
import { runCentreConformance } from './conformance-centres.js';
import { runFaceConformance } from './conformance-faces.js';
import { runHeatmapConformance } from './conformance-heatmaps.js';
import { runPlateConformance } from './conformance-plates.js';
import { runRecordConformance } from './conformance-records.js';
import { runRequestConformance } from './conformance-requests.js';
import { runSealConformance } from './conformance-seal.js';
import { runStatsConformance } from './conformance-stats.js';
import { camera, HOSTILE, site, user } from './fixtures.js';
import { expectArgusError, useHarness, type StoreFactory } from './harness.js';

export type { StoreFactory, StoreHarness } from './harness.js';

export function runStoreConformance(name: string, factory: StoreFactory): void {
  describe(`Store conformance: ${name}`, () => {
    runAdminConformance(factory);
    runRecordConformance(factory);
    runBatchConformance(factory);
    runPlateConformance(factory);
    runAuditConformance(factory);
    runSealConformance(factory);
    runStatsConformance(factory);
    runRequestConformance(factory);
    runCentreConformance(factory);
    runFaceConformance(factory);
    runHeatmapConformance(factory);
    runAttributeConformance(factory);
  });
}

function runAdminConformance(factory: StoreFactory): void {
  describe('sites, cameras, users, roles, sessions, API keys', () => {
    const h = useHarness(factory);

    it('stores sites and cameras with their zones and rules and updates them in place', async () => {
      const { store } = h();
      await store.upsertSite(site('s1'));
      await store.upsertSite(site('s2', { location: null, district: null, provinces: [43, 92] }));
      await store.upsertCamera(camera('c1', 's1'));
      await store.upsertCamera(camera('c2', 's2', { enabled: false, location: { lat: 10.7, lng: 106.6 } }));
      await store.upsertCamera(camera('c1', 's1', { name: 'Cổng Nam', zones: { lines: [{ id: 'l1', a: [0.1, 0.2] }] } }));
      expect(await store.getSite('s2')).toEqual(site('s2', { location: null, district: null, provinces: [43, 92] }));
      expect((await store.getSite('s1'))?.provinces).toEqual([]);
      expect((await store.listSites()).map((s) => s.id)).toEqual(['s1', 's2']);
      expect(await store.getCamera('c1')).toEqual(camera('c1', 's1', { name: 'Cổng Nam', zones: { lines: [{ id: 'l1', a: [0.1, 0.2] }] } }));
      expect((await store.listCameras({ siteId: 's2' })).map((c) => [c.id, c.enabled, c.location])).toEqual([['c2', false, { lat: 10.7, lng: 106.6 }]]);
      expect(await store.listCameras()).toHaveLength(2);
      expect(await store.getCamera('nope')).toBeNull();
    });

    it('refuses a camera of an unknown site and a site delete while cameras remain', async () => {
      const { store } = h();
      await store.upsertSite(site('s3'));
      await store.upsertCamera(camera('c3', 's3'));
      await expectArgusError(store.upsertCamera(camera('c4', 'no-such-site')), 'not_found');
      await expectArgusError(store.deleteSite('s3'), 'conflict');
      expect(await store.deleteCamera('c3')).toBe(true);
      expect(await store.deleteCamera('c3')).toBe(false);
      expect(await store.deleteSite('s3')).toBe(true);
      expect(await store.getSite('s3')).toBeNull();
    });

    it('creates, finds, patches and deletes users, refusing duplicate ids and usernames', async () => {
      const { store } = h();
      await store.createUser(user('u1', { roles: ['admin', 'reviewer'], scope: { cameraIds: ['c1'] } }));
      await store.createUser(user('u2'));
      await expectArgusError(store.createUser(user('u1', { username: 'other' })), 'conflict');
      await expectArgusError(store.createUser(user('u3', { username: 'user-u2' })), 'conflict');
      expect(await store.getUser('u1')).toEqual(user('u1', { roles: ['admin', 'reviewer'], scope: { cameraIds: ['c1'] } }));
      expect((await store.getUserByUsername('user-u2'))?.id).toBe('u2');
      const patched = await store.updateUser('u2', { failedLogins: 3, lockedUntilMs: 1_700_000_900_000, disabled: true, updatedAtMs: 1_700_000_100_000 });
      expect(patched).toMatchObject({ id: 'u2', failedLogins: 3, lockedUntilMs: 1_700_000_900_000, disabled: true, username: 'user-u2' });
      expect(await store.getUser('u2')).toEqual(patched);
      await expectArgusError(store.updateUser('u2', { username: 'user-u1' }), 'conflict');
      await expectArgusError(store.updateUser('ghost', { disabled: true }), 'not_found');
      expect((await store.listUsers()).map((u) => u.id)).toEqual(['u1', 'u2']);
      expect(await store.deleteUser('u2')).toBe(true);
      expect(await store.getUser('u2')).toBeNull();
    });

    it('stores roles with their permissions', async () => {
      const { store } = h();
      await store.upsertRole({ name: 'reviewer', description: 'Reviews', permissions: ['violations.read', 'violations.review'] });
      await store.upsertRole({ name: 'viewer', description: 'Views', permissions: ['cameras.read'] });
      await store.upsertRole({ name: 'viewer', description: 'Views only', permissions: ['cameras.read', 'events.read'] });
      expect(await store.getRole('viewer')).toEqual({ name: 'viewer', description: 'Views only', permissions: ['cameras.read', 'events.read'] });
      expect((await store.listRoles()).map((r) => r.name)).toEqual(['reviewer', 'viewer']);
      expect(await store.deleteRole('reviewer')).toBe(true);
      expect(await store.getRole('reviewer')).toBeNull();
    });

    it('keeps sessions until deleted, expired or their user is removed', async () => {
      const { store } = h();
      await store.createUser(user('su'));
      const s = { id: 'h1', userId: 'su', createdAtMs: 1000, expiresAtMs: 5000, lastSeenMs: 1000, csrfToken: 'csrf', ip: '10.0.0.9', userAgent: 'UA' };
      await store.createSession(s);
      await store.createSession({ ...s, id: 'h2', expiresAtMs: 2000 });
      await store.createSession({ ...s, id: 'h3', expiresAtMs: 9000, ip: null, userAgent: null });
      await expectArgusError(store.createSession({ ...s, id: 'h4', userId: 'ghost' }), 'not_found');
      expect(await store.getSession('h1')).toEqual(s);
      expect(await store.touchSession('h1', 3000, 8000)).toBe(true);
      expect(await store.getSession('h1')).toMatchObject({ lastSeenMs: 3000, expiresAtMs: 8000 });
      expect(await store.touchSession('none', 1, 2)).toBe(false);
      expect(await store.deleteExpiredSessions(2500)).toBe(1);
      expect(await store.getSession('h2')).toBeNull();
      expect(await store.deleteSession('h3')).toBe(true);
      expect(await store.deleteUserSessions('su')).toBe(1);
      await store.createSession({ ...s, id: 'h5' });
      await store.deleteUser('su');
      expect(await store.getSession('h5')).toBeNull();
    });

    it('finds API keys by hash with their area scope, revokes them once and records their use', async () => {
      const { store } = h();
      const k = { id: 'k1', name: 'Công an huyện', keyHash: 'sha256:aa', prefix: 'ak_12', scopes: ['plates.search'], scope: { districts: ['Sơn Trà'], cameraIds: ['c1'] },
        rateLimitPerMin: 60, ownerUserId: null, createdAtMs: 10, expiresAtMs: 5000, revokedAtMs: null, lastUsedMs: null };
      await store.createApiKey(k);
      await expectArgusError(store.createApiKey({ ...k, id: 'k2' }), 'conflict');
      expect(await store.getApiKeyByHash('sha256:aa')).toEqual(k);
      expect(await store.getApiKeyByHash('sha256:bb')).toBeNull();
      await store.touchApiKey('k1', 99);
      expect(await store.revokeApiKey('k1', 100)).toBe(true);
      expect(await store.revokeApiKey('k1', 200)).toBe(false);
      expect(await store.listApiKeys()).toEqual([{ ...k, lastUsedMs: 99, revokedAtMs: 100 }]);
    });

    it("revokes every live key of a user at once, and only that user's", async () => {
      const { store } = h();
      await store.createUser(user('ko'));
      await store.createUser(user('kx'));
      const k = (id: string, ownerUserId: string, revokedAtMs: number | null = null) => ({
        id, name: id, keyHash: `h-${id}`, prefix: id, scopes: ['ingest.write'], scope: {}, rateLimitPerMin: 60, ownerUserId,
        createdAtMs: 10, expiresAtMs: 9_000, revokedAtMs, lastUsedMs: null,
      });
      for (const key of [k('ko-1', 'ko'), k('ko-2', 'ko'), k('ko-3', 'ko', 50), k('kx-1', 'kx')]) await store.createApiKey(key);
      expect(await store.revokeUserApiKeys('ko', 700)).toBe(2);
      expect(await store.revokeUserApiKeys('ko', 800)).toBe(0);
      const byId = new Map((await store.listApiKeys()).map((x) => [x.id, x.revokedAtMs]));
      expect([byId.get('ko-1'), byId.get('ko-2'), byId.get('ko-3'), byId.get('kx-1')]).toEqual([700, 700, 50, null]);
    });

    it('counts sign-in attempts atomically: parallel attempts each count, the max-th throttles, a new period starts after it', async () => {
      const { store } = h();
      await store.createUser(user('lf'));
      const T = 1_800_000_000_000;
      // 20 at once: each is one UPDATE … RETURNING, so none is lost (a read-then-write counts far fewer).
      const all = await Promise.all(Array.from({ length: 20 }, () => store.recordLoginFailure('lf', T, 50, 60_000)));
      expect(all.map((r) => r?.failedLogins).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect((await store.getUser('lf'))?.failedLogins).toBe(20);
      if (h().concurrentStores) {
        // Two stores (two pools) on one database: still every attempt counts.
        const other = await h().reopen();
        await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? store : other).recordLoginFailure('lf', T, 50, 60_000)));
        expect((await store.getUser('lf'))?.failedLogins).toBe(30);
      }
      await store.updateUser('lf', { failedLogins: 0, lockedUntilMs: null });
      const seq = [];
      for (let i = 0; i < 4; i++) seq.push(await store.recordLoginFailure('lf', T + i, 3, 60_000));
      expect(seq).toEqual([
        { failedLogins: 1, lockedUntilMs: null }, { failedLogins: 2, lockedUntilMs: null },
        { failedLogins: 3, lockedUntilMs: T + 2 + 60_000 }, { failedLogins: 4, lockedUntilMs: T + 2 + 60_000 },
      ]);
      // The lock is not extended by attempts during it; the first attempt after it starts over at 1.
      expect(await store.recordLoginFailure('lf', T + 60_002, 3, 60_000)).toEqual({ failedLogins: 1, lockedUntilMs: null });
      expect(await store.recordLoginFailure('lf', T + 60_003, 3, 60_000)).toEqual({ failedLogins: 2, lockedUntilMs: null });
      // An attempt a lockout period after the last one starts over too (old typos do not add up).
      expect(await store.recordLoginFailure('lf', T + 120_003, 3, 60_000)).toEqual({ failedLogins: 1, lockedUntilMs: null });
      expect(await store.recordLoginFailure('ghost', T, 3, 60_000)).toBeNull();
    });

    it('stores hostile strings verbatim and finds them by them', async () => {
      const { store } = h();
      for (const [i, text] of HOSTILE.entries()) {
        await store.upsertSite(site(`hs-${i}`, { name: text, ward: text }));
        await store.createUser(user(`hu-${i}`, { username: text, displayName: text }));
        expect((await store.getSite(`hs-${i}`))?.name).toBe(text);
        expect((await store.getUserByUsername(text))?.id).toBe(`hu-${i}`);
      }
      await store.upsertSite(site(HOSTILE[0]));
      expect((await store.getSite(HOSTILE[0]))?.id).toBe(HOSTILE[0]);
      expect((await store.listSites()).length).toBeGreaterThanOrEqual(HOSTILE.length + 1);
    });

    it('runs its migrations once: a reopened store sees the same data', async () => {
      const second = await h().reopen();
      expect((await second.getSite('s1'))?.name).toBe('Site s1');
      expect(await second.getCamera('c1')).toEqual(await h().store.getCamera('c1'));
    });

    it("upgrades a database of schema 1 in place: its sites keep everything and gain no home provinces", async () => {
      const fresh = await factory();
      try {
        await fresh.store.upsertSite(site('old', { provinces: [43] }));
        await fresh.store.upsertCamera(camera('old-cam', 'old'));
        // Schema 1 had no sites.provinces: take the column and the record of migration 2 away, as on a database of then.
        await fresh.exec('alter table sites drop column provinces');
        await fresh.exec('delete from argus_migrations where version = 2');
        const upgraded = await fresh.reopen();
        expect(await upgraded.getSite('old')).toEqual(site('old'));
        expect((await upgraded.getCamera('old-cam'))?.siteId).toBe('old');
        await upgraded.upsertSite(site('old', { provinces: [77] }));
        expect((await upgraded.getSite('old'))?.provinces).toEqual([77]);
      } finally {
        await fresh.dispose();
      }
    });

    it('upgrades API keys of schema 2: they take their owner\'s scope and expire within a year; an ownerless key is revoked', async () => {
      const fresh = await factory();
      try {
        await fresh.store.createUser(user('m-owner', { scope: { districts: ['Hải Châu'] } }));
        const key = (id: string, ownerUserId: string | null) => ({
          id, name: id, keyHash: `h-${id}`, prefix: id, scopes: ['plates.search'], scope: {}, rateLimitPerMin: 60, ownerUserId,
          createdAtMs: 10, expiresAtMs: null, revokedAtMs: null, lastUsedMs: null,
        });
        await fresh.store.createApiKey(key('m-1', 'm-owner'));
        await fresh.store.createApiKey(key('m-2', null));
        await fresh.store.createApiKey(key('m-3', 'deleted-user'));
        await fresh.exec('drop index api_keys_owner');
        await fresh.exec('alter table api_keys drop column scope');
        await fresh.exec('alter table users drop column last_failed_login_ms');
        await fresh.exec('delete from argus_migrations where version = 3');
        const before = Date.now();
        const upgraded = await fresh.reopen();
        const keys = new Map((await upgraded.listApiKeys()).map((k) => [k.id, k]));
        expect(keys.get('m-1')).toMatchObject({ scope: { districts: ['Hải Châu'] }, revokedAtMs: null });
        expect(keys.get('m-1')!.expiresAtMs).toBeGreaterThanOrEqual(before);
        expect(keys.get('m-1')!.expiresAtMs).toBeLessThanOrEqual(Date.now() + 366 * 86_400_000);
        expect(keys.get('m-2')!.revokedAtMs).not.toBeNull();
        expect(keys.get('m-3')!.revokedAtMs).not.toBeNull();
      } finally {
        await fresh.dispose();
      }
    });
  });
}

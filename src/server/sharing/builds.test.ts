/**
 * Share packages built in the background, on a real SQLite store and real recordings: a build reports its progress and
 * ends approved with a package that verifies; one that cannot be built ends failed with the reason (audited); a
 * request revoked while building loses its package; a request whose build stopped with its service is given up by
 * the sweep, never left preparing.
 */
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvidenceKeyPair } from '../../evidence/keys.js';
import { newKeys } from '../../evidence/testing/fixture.js';
import { verifyEvidence } from '../../evidence/verify.js';
import { openSqliteStore, type SqliteStore } from '../../store/sqlite/index.js';
import type { ShareRequestRecord } from '../../store/store.js';
import { segmentName } from '../../video/segment-names.js';
import { video } from '../../../test/assets.js';
import { BUILD_LOST, ShareBuilds } from './builds.js';
import type { MaterialRoots } from './material.js';

const quiet = { warn: () => undefined, error: () => undefined };
const T0 = Date.now() - 3_600_000;

describe('share packages built in the background', () => {
  let dir: string;
  let store: SqliteStore;
  let roots: MaterialRoots;
  let keys: EvidenceKeyPair;
  beforeAll(async () => {
    keys = await newKeys();
    dir = await mkdtemp(join(tmpdir(), 'argus-builds-'));
    store = await openSqliteStore({ path: join(dir, 'argus.db') });
    roots = { recordings: join(dir, 'recordings'), evidence: join(dir, 'evidence'), shares: join(dir, 'shares') };
    await mkdir(join(roots.recordings, 'c1'), { recursive: true });
    await copyFile(video('opencv4nodejs_traffic.mp4'), join(roots.recordings, 'c1', segmentName(T0)));
  });
  afterAll(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const preparing = async (id: string, over: Partial<ShareRequestRecord> = {}): Promise<ShareRequestRecord> => {
    const x: ShareRequestRecord = {
      id, kind: 'footage', cameraId: 'c1', plateKey: null, violationId: null, fromMs: T0 + 1_000, toMs: T0 + 4_000, reason: 'Điều tra', legalBasis: 'Điều 88',
      agency: 'CA', requestedBy: 'u-p', requesterUserId: 'u-p', requesterName: 'partner', area: null, status: 'preparing', decidedBy: 'u-s', deciderName: 'sup',
      decidedAtMs: Date.now(), decisionReason: null, expiresAtMs: Date.now() + 3_600_000, tokenHash: null, packageSha256: null, progress: 0, buildError: null,
      createdAtMs: Date.now(), updatedAtMs: Date.now(), ...over,
    };
    await store.insertShareRequest(x);
    return x;
  };
  const decision = (x: ShareRequestRecord) => ({ approver: 'u-s', approverName: 'sup', decidedAtMs: x.decidedAtMs!, expiresAtMs: x.expiresAtMs!, reason: null });

  it('builds the package, tells its progress, and approves the request with its link; a build that cannot be made fails with the reason', async () => {
    const progress: number[] = [];
    // The face pass (FacesService.privateCopy, tested with real models in test/server-face-blur.test.ts) stands in
    // here as a slow pass over the files that tells its progress in quarters.
    const slowPrivacy: MaterialRoots['privacy'] = async (files, note, onProgress) => {
      for (const q of [0.25, 0.5, 0.75]) {
        onProgress?.(q);
        await new Promise((res) => setTimeout(res, 80));
      }
      return { files: [...files], report: { blurred: {}, keptListed: {}, unreadable: [], note }, dispose: async () => undefined };
    };
    const builds = new ShareBuilds({ store, roots: { ...roots, privacy: slowPrivacy }, keys: async () => keys, log: quiet, sweepMs: 0, heartbeatMs: 20 });
    const audits: Array<[string, Record<string, unknown>]> = [];
    const ok = await preparing('ok');
    builds.start(ok, decision(ok), null, async (action, details) => void audits.push([action, details]));
    expect(builds.building('ok')).toBe(true);
    // The heartbeat writes the progress (every 20 ms here) as the build goes.
    for (let i = 0; i < 500 && builds.building('ok'); i++) {
      const p = (await store.getShareRequest('ok'))?.progress;
      if (typeof p === 'number') progress.push(p);
      await new Promise((res) => setTimeout(res, 10));
    }
    await builds.idle();
    const done = await store.getShareRequest('ok');
    expect(done).toMatchObject({ status: 'approved', progress: null, buildError: null, tokenHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // 5 % for the recordings gathered, 90 % for the face pass, 5 % for signing.
    expect(progress.some((p) => p > 0.3 && p < 0.95), `progress seen: ${progress.join(' ')}`).toBe(true);
    expect((await verifyEvidence(join(roots.shares, 'ok'), keys.publicKeyPem)).ok).toBe(true);
    expect(audits.map(([a]) => a)).toEqual(['share.package']);
    expect(audits[0]![1]).toMatchObject({ manifestSha256: done!.packageSha256 });

    // Nothing recorded in the window: failed, with why, audited; no package.
    const none = await preparing('none', { fromMs: T0 - 600_000, toMs: T0 - 300_000 });
    builds.start(none, decision(none), null, async (action, details) => void audits.push([action, details]));
    await builds.idle();
    expect(await store.getShareRequest('none')).toMatchObject({ status: 'failed', progress: null, buildError: expect.stringContaining('nothing was recorded') });
    expect(audits.at(-1)).toEqual(['share.package_failed', { error: expect.stringContaining('nothing was recorded') }]);
    await expect(readdir(join(roots.shares, 'none'))).rejects.toThrow(/ENOENT/);
    builds.close();
  });

  it('drops the package of a request revoked while it was being built', async () => {
    const builds = new ShareBuilds({ store, roots, keys: async () => keys, log: quiet, sweepMs: 0 });
    const x = await preparing('gone');
    const audits: string[] = [];
    builds.start(x, decision(x), null, async (action) => void audits.push(action));
    expect(await store.updateShareRequest('gone', 'preparing', { status: 'revoked' }, Date.now())).not.toBeNull();
    await builds.idle();
    expect((await store.getShareRequest('gone'))?.status).toBe('revoked');
    await expect(readdir(join(roots.shares, 'gone'))).rejects.toThrow(/ENOENT/);
    expect(audits).toEqual([]);
    builds.close();
  });

  it('deletes the package of a request once it has expired, and keeps one still shared', async () => {
    const builds = new ShareBuilds({ store, roots, keys: async () => keys, log: quiet, sweepMs: 0 });
    for (const id of ['soon', 'later']) {
      const x = await preparing(id, { expiresAtMs: Date.now() + (id === 'soon' ? 60_000 : 3_600_000) });
      builds.start(x, decision(x), null, async () => undefined);
    }
    await builds.idle();
    expect((await readdir(join(roots.shares, 'soon'))).sort()).toContain('manifest.sig');
    const { expired } = await builds.sweep(Date.now() + 120_000);
    expect(expired).toContain('soon');
    expect(expired).not.toContain('later');
    await expect(readdir(join(roots.shares, 'soon'))).rejects.toThrow(/ENOENT/);
    expect(await readdir(join(roots.shares, 'later'))).toContain('manifest.sig');
    expect((await builds.sweep(Date.now() + 120_000)).expired).not.toContain('soon');
    builds.close();
  });

  it('finds an expired package however many requests came after it, and reads only the requests still preparing', async () => {
    // The package of an old request, then 3 newer ones (the sweep before read the newest 5,000 requests every 30 s,
    // and an older package was never deleted).
    const old = await preparing('old-share', { createdAtMs: T0 - 86_400_000, expiresAtMs: Date.now() + 60_000 });
    const b0 = new ShareBuilds({ store, roots, keys: async () => keys, log: quiet, sweepMs: 0 });
    b0.start(old, decision(old), null, async () => undefined);
    await b0.idle();
    b0.close();
    for (const id of ['n1', 'n2', 'n3']) await store.insertShareRequest({ ...old, id, status: 'pending', createdAtMs: Date.now() });
    const listed: number[] = [];
    const counting = new Proxy(store, {
      get: (target, key) => (key === 'listShareRequests'
        ? async (f: Parameters<SqliteStore['listShareRequests']>[0]) => {
          const rows = await target.listShareRequests(f);
          listed.push(rows.length);
          return rows;
        }
        : Reflect.get(target, key, target) as unknown),
    });
    const builds = new ShareBuilds({ store: counting, roots, keys: async () => keys, log: quiet, sweepMs: 0 });
    const { expired } = await builds.sweep(Date.now() + 120_000);
    expect(expired).toContain('old-share');
    await expect(readdir(join(roots.shares, 'old-share'))).rejects.toThrow(/ENOENT/);
    // Approved and pending requests are not read: only the preparing ones, of which there are none here.
    const stillPreparing = (await store.listShareRequests({ statuses: ['preparing'], limit: 100 })).length;
    expect(listed).toEqual([stillPreparing]);
    builds.close();
  });

  it('builds again a request whose earlier build was lost halfway, over what that one left', async () => {
    const builds = new ShareBuilds({ store, roots, keys: async () => keys, log: quiet, sweepMs: 0 });
    const x = await preparing('again');
    await mkdir(join(roots.shares, 'again'), { recursive: true });
    await writeFile(join(roots.shares, 'again', 'manifest.json'), '{"half":');
    builds.start(x, decision(x), null, async () => undefined);
    await builds.idle();
    expect((await store.getShareRequest('again'))?.status).toBe('approved');
    expect((await verifyEvidence(join(roots.shares, 'again'), keys.publicKeyPem)).ok).toBe(true);
    builds.close();
  });

  it('gives up a request whose build stopped with its service, and leaves one still heard from', async () => {
    const builds = new ShareBuilds({ store, roots, keys: async () => keys, log: quiet, sweepMs: 0, staleMs: 60_000 });
    const now = Date.now();
    await preparing('lost', { updatedAtMs: now - 61_000 });
    await preparing('alive', { updatedAtMs: now - 5_000 });
    expect((await builds.sweep(now)).lost).toEqual(['lost']);
    expect(await store.getShareRequest('lost')).toMatchObject({ status: 'failed', buildError: BUILD_LOST, progress: null });
    expect((await store.getShareRequest('alive'))?.status).toBe('preparing');
    expect((await builds.sweep(now)).lost).toEqual([]);
    builds.close();
  });
});

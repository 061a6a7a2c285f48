/**
 * Conformance: signed checkpoints of the audit chain (audit-seal.ts) over a real store. The attacker writes the
 * database with raw SQL (rewrites a row and recomputes every hash, cuts the tail with its checkpoints); the key and the
 * anchor file are out of their reach. The chain-only check (`verifyAuditChain`, all there was before) passes both.
 */
import { mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AUDIT_GENESIS_HASH, auditHash } from '../audit-hash.js';
import { AuditSealer, loadAuditTrust, verifyAuditSeal, type AuditSealReport } from '../audit-seal.js';
import type { AuditRecord, Store } from '../store.js';
import { expectArgusError, type StoreFactory, type StoreHarness } from './harness.js';

/** The attacker's tool: recompute prev_hash and hash of every row from the first, as the appender would. */
export async function recomputeChain(h: StoreHarness): Promise<void> {
  const rows: AuditRecord[] = [];
  let cursor: string | null = null;
  do {
    const page = await h.store.listAudit({ limit: 500, cursor });
    rows.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  let prev = AUDIT_GENESIS_HASH;
  for (const r of rows) {
    const hash = auditHash(prev, r.seq, r);
    await h.exec(`update audit_log set prev_hash = '${prev}', hash = '${hash}' where seq = ${r.seq}`);
    prev = hash;
  }
}

const append = async (store: Store, n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await store.appendAudit({ atMs: 1000 + i, actor: `u${i % 3}`, action: 'plate.search', target: null, details: { query: `30A${i}*` } });
};
const checks = (r: AuditSealReport) => r.problems.map((p) => [p.check, p.seq]);

export function runSealConformance(factory: StoreFactory): void {
  describe('signed checkpoints of the audit chain', () => {
    const open: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const close of open.splice(0).reverse()) await close();
    });
    /** A fresh database and key directory; 30 rows signed at 10, 20 and 30. */
    const sealed = async () => {
      const h = await factory();
      const keyDir = await mkdtemp(join(tmpdir(), 'argus-seal-'));
      open.push(() => h.dispose(), () => rm(keyDir, { recursive: true, force: true }));
      const sealer = await AuditSealer.open(h.store, { keyDir, onError: (e) => { throw e; } });
      for (let i = 0; i < 3; i++) {
        await append(h.store, 10);
        expect((await sealer.checkpoint(5000 + i))?.seq).toBe(10 * (i + 1));
      }
      const verify = async (trustDir = keyDir) => verifyAuditSeal(h.store, await loadAuditTrust({ keyDir: trustDir }));
      return { h, keyDir, sealer, verify };
    };

    it('stores checkpoints once, signs only when the chain grew, and verifies an untouched log', async () => {
      const { h, sealer, verify } = await sealed();
      expect(await sealer.checkpoint()).toBeNull(); // nothing new
      const cps = await h.store.listAuditCheckpoints();
      expect(cps.map((c) => [c.seq, c.count, c.keyId])).toEqual([[10, 10, sealer.keyId], [20, 20, sealer.keyId], [30, 30, sealer.keyId]]);
      await h.store.appendAuditCheckpoint(cps[0]!); // idempotent
      expect(await h.store.listAuditCheckpoints()).toEqual(cps);
      expect(await h.store.auditHashesAt([10, 30, 99])).toEqual(new Map([[10, cps[0]!.headHash], [30, cps[2]!.headHash]]));
      await append(h.store, 4);
      const r = await verify();
      expect(r).toMatchObject({ ok: true, count: 34, headSeq: 34, checkpoints: 3, latestCheckpoint: { seq: 30, atMs: 5002 }, unsealedRows: 4, problems: [] });
    });

    it('fails a rewritten row whose chain was recomputed (the chain alone still verifies), and never signs it', async () => {
      const { h, sealer, verify } = await sealed();
      await h.exec(`update audit_log set details = '{"query":"29A*"}' where seq = 5`);
      await recomputeChain(h);
      expect(await h.store.verifyAuditChain()).toMatchObject({ ok: true, count: 30 }); // what `argus audit verify` checked before
      const r = await verify();
      expect(r.ok).toBe(false);
      expect(checks(r)).toEqual([['checkpoint', 10], ['checkpoint', 20], ['checkpoint', 30]]);
      expect(r.problems[0]!.message).toContain('signature mismatch at checkpoint seq 10');
      expect(r).toMatchObject({ brokenAtSeq: 10, checkpoints: 0 });
      await append(h.store, 1);
      await expectArgusError(sealer.checkpoint(), 'checksum_mismatch');
      // The attacker also rewrites the checkpoint rows to the new hashes: their signatures no longer match.
      await h.exec(`update audit_checkpoints set head_hash = (select hash from audit_log where audit_log.seq = audit_checkpoints.seq)`);
      const rewritten = await verify();
      expect(checks(rewritten)).toEqual([['signature', 10], ['signature', 20], ['signature', 30], ['checkpoint', 10], ['checkpoint', 20], ['checkpoint', 30]]);
      expect(rewritten.problems[0]!.message).toBe('signature mismatch at checkpoint seq 10 (database): the checkpoint was changed or forged');
    });

    it('fails a tail cut with its checkpoints: the anchor file outside the database still knows the latest', async () => {
      const { h, verify } = await sealed();
      await h.exec('delete from audit_log where seq > 25');
      await h.exec('delete from audit_checkpoints where seq > 25');
      expect(await h.store.verifyAuditChain()).toMatchObject({ ok: true, count: 25 }); // what was checked before
      const r = await verify();
      expect(checks(r)).toEqual([['tail', 25]]);
      expect(r.reason).toBe('the chain ends at seq 25 before signed checkpoint seq 30: 5 row(s) missing after seq 25');
    });

    it('fails with a wrong key, with a checkpoint signed by another key, and without the anchor file', async () => {
      const { h, keyDir, verify } = await sealed();
      const otherDir = await mkdtemp(join(tmpdir(), 'argus-seal-other-'));
      open.push(() => rm(otherDir, { recursive: true, force: true }));
      const other = await AuditSealer.open(h.store, { keyDir: otherDir, onError: (e) => { throw e; } });
      const wrong = await verify(otherDir); // another service's key, and its (empty) anchor
      expect(wrong.ok).toBe(false);
      expect(wrong.problems.map((p) => p.check)).toEqual(['signature', 'signature', 'signature', 'anchor']);
      expect(wrong.problems[0]!.message).toMatch(/signed by key [0-9a-f]{16}, not by the audit key [0-9a-f]{16}/);
      // The attacker's own key signs a checkpoint into the table: not the audit key.
      await append(h.store, 2);
      expect((await other.checkpoint())?.seq).toBe(32);
      expect(checks(await verify())).toEqual([['signature', 32]]);
      await h.exec(`delete from audit_checkpoints where key_id = '${other.keyId}'`);
      expect((await verify()).ok).toBe(true);
      await unlink(join(keyDir, 'audit-checkpoints.jsonl'));
      expect(checks(await verify())).toEqual([['anchor', null]]);
      await unlink(join(keyDir, 'audit-ed25519.pub.pem'));
      expect((await verify()).problems.map((p) => p.message)).toEqual([expect.stringContaining('no audit public key'), expect.stringContaining('anchor file')]);
    });
  });
}

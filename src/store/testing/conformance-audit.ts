/** Conformance: the hash-chained audit log, tamper detection and concurrent appends. */
import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../store.js';
import { HOSTILE } from './fixtures.js';
import { expectArgusError, useHarness, type StoreFactory } from './harness.js';

export function runAuditConformance(factory: StoreFactory): void {
  describe('audit log', () => {
    const h = useHarness(factory);

    it('chains appended rows, lists them in order across pages and verifies', async () => {
      const { store } = h();
      expect(await store.verifyAuditChain()).toMatchObject({ ok: true, count: 0 });
      const first = await store.appendAudit({ atMs: 1, actor: 'u1', action: 'plate.search', target: null, details: { query: '30A*', mode: 'wildcard' } });
      expect(first).toMatchObject({ seq: 1, prevHash: '0'.repeat(64) });
      expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
      const second = await store.appendAudit({ atMs: 2, actor: 'u2', action: 'violation.review', target: 'v1', details: { reason: HOSTILE[0], z: 1, a: [1, 2] } });
      expect(second.prevHash).toBe(first.hash);
      for (let i = 0; i < 8; i++) await store.appendAudit({ atMs: 3 + i, actor: i % 2 ? 'u1' : 'system', action: 'footage.view', target: `c${i}`, details: null });
      const seen: AuditRecord[] = [];
      let cursor: string | null = null;
      do {
        const page = await store.listAudit({ limit: 3, cursor });
        seen.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(seen.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(seen[1]).toEqual(second);
      expect((await store.listAudit({ actor: 'u1', action: 'footage.view' })).items.map((r) => r.seq)).toEqual([4, 6, 8, 10]);
      expect(await store.verifyAuditChain()).toEqual({ ok: true, count: 10, headHash: seen[9]!.hash });
      await expectArgusError(store.appendAudit({ atMs: 1, actor: '', action: 'x', target: null, details: null }), 'invalid_argument');
    });

    it('keeps one unbroken chain under concurrent appends, also from a second store where the adapter allows it', async () => {
      const { store } = h();
      const other = h().concurrentStores ? await h().reopen() : store;
      const before = (await store.verifyAuditChain()).count;
      const appended = await Promise.all(Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? other : store).appendAudit({ atMs: 100 + i, actor: `u${i}`, action: 'export.csv', target: null, details: { i } })));
      expect(new Set(appended.map((r) => r.seq)).size).toBe(40);
      expect(await store.verifyAuditChain()).toMatchObject({ ok: true, count: before + 40 });
    });

    it.each([
      ['its details are rewritten', `update audit_log set details = '{"query":"29A*","mode":"wildcard"}' where seq = 3`, 3],
      ['its actor is changed', `update audit_log set actor = 'someone-else' where seq = 5`, 5],
      ['a row is deleted', `delete from audit_log where seq = 7`, 7],
      ['a hash is recomputed without the chain', `update audit_log set hash = prev_hash where seq = 2`, 2],
    ])('reports the first broken row when %s with raw SQL', async (_what, statement, seq) => {
      const fresh = await factory();
      try {
        for (let i = 1; i <= 9; i++) await fresh.store.appendAudit({ atMs: i, actor: 'u1', action: 'plate.search', target: null, details: { query: `30A${i}*` } });
        expect(await fresh.store.verifyAuditChain()).toMatchObject({ ok: true, count: 9 });
        await fresh.exec(statement);
        expect(await fresh.store.verifyAuditChain()).toMatchObject({ ok: false, brokenAtSeq: seq, count: seq - 1 });
      } finally {
        await fresh.dispose();
      }
    });
  });
}

/** The append-only, hash-chained audit log. */
import { sql } from 'kysely';
import { ArgusError } from '../../core/errors.js';
import { AUDIT_GENESIS_HASH, auditHash } from '../audit-hash.js';
import type { AuditChainPoint, AuditEntry, AuditFilter, AuditRecord, AuditVerification, JsonValue, Page, SignedAuditCheckpoint } from '../store.js';
import { chunks, cursorScope, fromJson, isUniqueViolation, num, pageLimit, toJson, type StoreContext, writeTransaction } from './context.js';
import type { AuditTable } from './schema.js';

const auditFrom = (r: AuditTable): AuditRecord => ({
  seq: num(r.seq), atMs: num(r.at_ms), actor: r.actor, action: r.action, target: r.target, details: fromJson<JsonValue>(r.details),
  prevHash: r.prev_hash, hash: r.hash,
});

/** In-process queue: appends of one store run one after the other (the DB lock covers other processes). */
export class AuditAppender {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly ctx: StoreContext) {}

  append(entry: AuditEntry): Promise<AuditRecord> {
    if (entry.actor.length === 0 || entry.action.length === 0) {
      return Promise.reject(new ArgusError('invalid_argument', 'an audit entry needs an actor and an action'));
    }
    const run = this.tail.then(() => this.appendWithRetry(entry));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async appendWithRetry(entry: AuditEntry): Promise<AuditRecord> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.appendOnce(entry);
      } catch (e) {
        // Another process took the same sequence number: the primary key refused a fork; retry on the new head.
        if (!isUniqueViolation(e) || attempt >= 5) throw e;
      }
    }
  }

  private appendOnce(entry: AuditEntry): Promise<AuditRecord> {
    const { ctx } = this;
    return writeTransaction(ctx, async (trx) => {
      if (ctx.dialect === 'postgres') await sql`select pg_advisory_xact_lock(7720012)`.execute(trx);
      const head = await trx.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
      const seq = head ? num(head.seq) + 1 : 1;
      const prevHash = head?.hash ?? AUDIT_GENESIS_HASH;
      // Round-trip details through JSON so the hash covers exactly what is stored.
      const details = JSON.parse(toJson(entry.details ?? null)) as JsonValue;
      const rec: AuditRecord = { seq, atMs: entry.atMs, actor: entry.actor, action: entry.action, target: entry.target, details, prevHash, hash: '' };
      const hash = auditHash(prevHash, seq, rec);
      await trx.insertInto('audit_log').values({
        seq, at_ms: rec.atMs, actor: rec.actor, action: rec.action, target: rec.target, details: toJson(details), prev_hash: prevHash, hash,
      }).execute();
      return { ...rec, hash };
    });
  }
}

export async function listAudit(ctx: StoreContext, f: AuditFilter = {}): Promise<Page<AuditRecord>> {
  const limit = pageLimit(f);
  const scope = cursorScope('audit', f);
  const after = f.cursor === undefined || f.cursor === null ? 0 : (ctx.cursors.decode(scope, f.cursor, ['number'])[0] as number);
  let q = ctx.db.selectFrom('audit_log').selectAll().where('seq', '>', after);
  if (f.fromMs !== undefined) q = q.where('at_ms', '>=', f.fromMs);
  if (f.toMs !== undefined) q = q.where('at_ms', '<', f.toMs);
  if (f.actor !== undefined) q = q.where('actor', '=', f.actor);
  if (f.action !== undefined) q = q.where('action', '=', f.action);
  const rows = await q.orderBy('seq').limit(limit + 1).execute();
  const more = rows.length > limit;
  const items = (more ? rows.slice(0, limit) : rows).map(auditFrom);
  const last = items[items.length - 1];
  return { items, nextCursor: more && last ? ctx.cursors.encode(scope, [last.seq]) : null };
}

/** From the first row, or on from a head already checked (`from`: its seq, hash and the rows up to it). */
export async function verifyAuditChain(ctx: StoreContext, from?: AuditChainPoint): Promise<AuditVerification> {
  let prevHash = from?.hash ?? AUDIT_GENESIS_HASH;
  let expectedSeq = (from?.seq ?? 0) + 1;
  let count = from?.count ?? 0;
  for (;;) {
    const rows = await ctx.db.selectFrom('audit_log').selectAll().where('seq', '>=', expectedSeq).orderBy('seq').limit(5000).execute();
    if (rows.length === 0) return { ok: true, count, headHash: prevHash };
    for (const r of rows) {
      const broken = (reason: string): AuditVerification => ({ ok: false, count, brokenAtSeq: num(r.seq), reason });
      if (num(r.seq) !== expectedSeq) return { ok: false, count, brokenAtSeq: expectedSeq, reason: `row ${expectedSeq} is missing` };
      if (r.prev_hash !== prevHash) return broken('prev_hash does not match the previous row');
      let details: JsonValue;
      try {
        details = fromJson<JsonValue>(r.details);
      } catch (e) {
        return broken(`details are not JSON (${(e as Error).message})`);
      }
      const rec = { atMs: num(r.at_ms), actor: r.actor, action: r.action, target: r.target, details };
      if (auditHash(prevHash, expectedSeq, rec) !== r.hash) return broken('hash does not match the row');
      prevHash = r.hash;
      expectedSeq++;
      count++;
    }
  }
}

/** The last row of the chain: its sequence number and hash (null: the log is empty). */
export async function auditHead(ctx: StoreContext): Promise<{ seq: number; hash: string } | null> {
  const head = await ctx.db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return head ? { seq: num(head.seq), hash: head.hash } : null;
}

/** The stored hash of each of these rows (rows that do not exist are left out). */
export async function auditHashesAt(ctx: StoreContext, seqs: readonly number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const part of chunks([...new Set(seqs)], 1)) {
    for (const r of await ctx.db.selectFrom('audit_log').select(['seq', 'hash']).where('seq', 'in', part).execute()) out.set(num(r.seq), r.hash);
  }
  return out;
}

/** Idempotent on (seq, keyId). The signature is checked by the verifier, not here: the table is no trust anchor. */
export async function appendAuditCheckpoint(ctx: StoreContext, c: SignedAuditCheckpoint): Promise<void> {
  await ctx.db.insertInto('audit_checkpoints').values({ seq: c.seq, key_id: c.keyId, head_hash: c.headHash, at_ms: c.atMs, count: c.count, signature: c.signature })
    .onConflict((oc) => oc.columns(['seq', 'key_id']).doNothing()).execute();
}

export async function listAuditCheckpoints(ctx: StoreContext): Promise<SignedAuditCheckpoint[]> {
  const rows = await ctx.db.selectFrom('audit_checkpoints').selectAll().orderBy('seq').orderBy('key_id').execute();
  return rows.map((r) => ({ seq: num(r.seq), headHash: r.head_hash, atMs: num(r.at_ms), count: num(r.count), keyId: r.key_id, signature: r.signature }));
}

/**
 * Signed checkpoints of the audit chain. The hash chain alone proves nothing against whoever can write the database:
 * they can rewrite a row and recompute every hash after it, or cut the tail. So the service signs the head of the
 * chain (seq, head hash, time, row count) with an Ed25519 key whose private part is a file in the key directory
 * (`<data>/keys/audit-ed25519.key`, mode 0600, the evidence key handling of evidence/keys.ts), never in the database,
 * and records each checkpoint twice: in the `audit_checkpoints` table, and appended (fsync'd) to an anchor file
 * OUTSIDE the database (default `<keys>/audit-checkpoints.jsonl`). The verifier trusts only signatures by the audit
 * key; the anchor tells it the latest checkpoint even when the table was cut with the tail.
 *
 * What it proves: rows up to the latest checkpoint are the rows that were signed (a recomputed chain no longer
 * matches a signed head hash); the chain reaches the latest checkpoint (a cut tail ends before it). What it cannot:
 * rows appended after the latest checkpoint (at most `everyRows`, or `everyMs` of time) can be cut unseen.
 */
import type { KeyObject } from 'node:crypto';
import { mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ArgusError } from '../core/errors.js';
import { keyFiles, keyIdOf, loadOrCreateKeyPair, readPublicKeyFile, type EvidenceKeyPair } from '../evidence/keys.js';
import { AUDIT_GENESIS_HASH, checkpointSignatureValid, signCheckpoint } from './audit-hash.js';
import type { SignedAuditCheckpoint, Store } from './store.js';

export const AUDIT_ANCHOR_FILE = 'audit-checkpoints.jsonl';

export interface AuditSealOptions {
  /** Key directory (`<data>/keys`): the audit key pair lives there, created on first use. */
  readonly keyDir: string;
  /** The anchor file outside the database (default `<keyDir>/audit-checkpoints.jsonl`). */
  readonly anchorFile?: string;
  /** Sign after this many appended rows (default 50). */
  readonly everyRows?: number;
  /** Sign at this interval when the chain grew (default 30 s). */
  readonly everyMs?: number;
  /** A background checkpoint that failed (a chain that does not reach the last signed head is never signed). */
  readonly onError: (e: unknown) => void;
}

export const anchorPath = (o: { keyDir: string; anchorFile?: string | undefined }): string => o.anchorFile ?? join(o.keyDir, AUDIT_ANCHOR_FILE);

// ─── the anchor file ──────────────────────────────────────────────────────────────────────────────

export interface AnchorRead {
  readonly path: string;
  readonly missing: boolean;
  /** The checkpoints of the file's last `maxBytes` (the latest one alone pins every row up to it). */
  readonly checkpoints: SignedAuditCheckpoint[];
  /** Byte offsets of lines that are not checkpoints (a torn last line, cut by a crash mid-write, is left out). */
  readonly badLines: number[];
}

const isCheckpoint = (v: unknown): v is SignedAuditCheckpoint => {
  const c = v as Record<string, unknown> | null;
  return typeof c === 'object' && c !== null && Number.isSafeInteger(c['seq']) && Number.isSafeInteger(c['count']) && Number.isSafeInteger(c['atMs'])
    && typeof c['headHash'] === 'string' && typeof c['keyId'] === 'string' && typeof c['signature'] === 'string';
};

/**
 * The anchor's checkpoints, from its last `maxBytes` (default 4 MiB, some 16 000 checkpoints): the file grows for
 * as long as the service runs, and the latest checkpoint is what a cut tail and a recomputed chain are checked
 * against; older ones only narrow down where a rewrite starts.
 */
export async function readAnchor(path: string, maxBytes = 4 * 1024 * 1024): Promise<AnchorRead> {
  let text: string;
  let base = 0;
  try {
    const f = await open(path, 'r');
    try {
      const { size } = await f.stat();
      base = Math.max(0, size - maxBytes);
      const buf = Buffer.alloc(size - base);
      await f.read(buf, 0, buf.length, base);
      text = buf.toString('utf8');
    } finally {
      await f.close();
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { path, missing: true, checkpoints: [], badLines: [] };
    throw new ArgusError('io_failed', `cannot read the audit anchor ${path}`, { cause: e });
  }
  if (base > 0) {
    const cut = text.indexOf('\n') + 1; // the first line read is a part of one
    text = text.slice(cut);
    base += cut;
  }
  const checkpoints: SignedAuditCheckpoint[] = [];
  const badLines: number[] = [];
  let offset = base;
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const at = offset;
    offset += Buffer.byteLength(line) + 1;
    if (line.trim() === '') return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      v = null; // not JSON: a bad line, unless it is the torn last one
    }
    if (isCheckpoint(v)) checkpoints.push(v);
    else if (i < lines.length - 1) badLines.push(at);
  });
  return { path, missing: false, checkpoints, badLines };
}

/** One line, appended and flushed to the disk before it resolves. */
async function appendAnchor(path: string, c: SignedAuditCheckpoint): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const f = await open(path, 'a', 0o600);
  try {
    await f.write(`${JSON.stringify(c)}\n`);
    await f.datasync();
  } finally {
    await f.close();
  }
}

// ─── the writer (the service) ─────────────────────────────────────────────────────────────────────

export class AuditSealer {
  private last: SignedAuditCheckpoint | null;
  private sinceLast = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private readonly everyRows: number;
  private readonly everyMs: number;

  private constructor(private readonly store: Store, private readonly key: EvidenceKeyPair, readonly anchorFile: string, last: SignedAuditCheckpoint | null, private readonly opts: AuditSealOptions) {
    this.last = last;
    this.everyRows = opts.everyRows ?? 50;
    this.everyMs = opts.everyMs ?? 30_000;
  }

  /** Loads (or creates) the audit key; starts from the latest checkpoint this key signed, in the anchor or the table. */
  static async open(store: Store, opts: AuditSealOptions): Promise<AuditSealer> {
    const key = await loadOrCreateKeyPair(opts.keyDir, 'audit');
    const anchor = anchorPath(opts);
    const known = [...(await readAnchor(anchor)).checkpoints, ...(await store.listAuditCheckpoints())].sort((a, b) => b.seq - a.seq);
    const last = known.find((c) => c.keyId === key.keyId && checkpointSignatureValid(c, key.publicKey)) ?? null;
    return new AuditSealer(store, key, anchor, last, opts);
  }

  get keyId(): string {
    return this.key.keyId;
  }

  /**
   * Signs the head when the chain grew since the last checkpoint: the rows after it must chain on from its signed
   * hash (else nothing is signed: signing would launder a rewrite). Recorded in the table, then in the anchor file.
   */
  checkpoint(nowMs: number = Date.now()): Promise<SignedAuditCheckpoint | null> {
    const run = this.queue.then(() => this.sign(nowMs));
    this.queue = run.catch(() => undefined); // the caller gets the failure; the queue goes on
    return run;
  }

  /** An audit row was appended: sign after `everyRows` of them. */
  noteAppended(): void {
    if (++this.sinceLast >= this.everyRows) this.background();
  }

  /** Signs every `everyMs` while the chain grows. */
  start(): void {
    this.timer ??= setInterval(() => this.background(), this.everyMs);
    this.timer.unref();
  }

  /** The timer stops; the head is signed one last time (the service is stopping, no row comes after). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.checkpoint();
  }

  private background(): void {
    this.sinceLast = 0;
    this.checkpoint().catch(this.opts.onError);
  }

  private async sign(nowMs: number): Promise<SignedAuditCheckpoint | null> {
    const last = this.last;
    const head = await this.store.auditHead();
    if (last && (head?.seq ?? 0) < last.seq) {
      throw new ArgusError('checksum_mismatch', `the audit chain ends at seq ${head?.seq ?? 0} before signed checkpoint seq ${last.seq}: not signing it`);
    }
    const v = await this.store.verifyAuditChain(last ? { seq: last.seq, hash: last.headHash, count: last.count } : undefined);
    if (!v.ok) throw new ArgusError('checksum_mismatch', `the audit chain is broken at seq ${v.brokenAtSeq} (${v.reason}): not signing it`);
    if (last && v.count === last.count) return null;
    if (v.count === 0) return null;
    const cp = signCheckpoint({ seq: v.count, headHash: v.headHash, atMs: nowMs, count: v.count, keyId: this.key.keyId }, this.key.privateKey);
    await this.store.appendAuditCheckpoint(cp);
    await appendAnchor(this.anchorFile, cp);
    this.last = cp;
    return cp;
  }
}

// ─── the verifier (`argus audit verify`, GET /api/audit/verify) ──────────────────────────────────

/** What the verifier trusts: the audit public key, and the anchor file. Neither comes from the database. */
export interface AuditTrust {
  /** null: no key found (checkpoints cannot be checked, which fails when there are any). */
  readonly publicKey: KeyObject | null;
  /** Where the key was looked for (for the report). */
  readonly keySource: string;
  /** null: no anchor given. */
  readonly anchor: AnchorRead | null;
}

/** The trust of a key directory: `audit-ed25519.pub.pem` (or `publicKeyFile`) and the anchor file beside it. */
export async function loadAuditTrust(o: { keyDir: string; anchorFile?: string | undefined; publicKeyFile?: string | undefined }): Promise<AuditTrust> {
  const keySource = o.publicKeyFile ?? join(o.keyDir, keyFiles('audit').publicKey);
  let publicKey: KeyObject | null = null;
  try {
    publicKey = await readPublicKeyFile(keySource);
  } catch (e) {
    // No key file: reported below as "no key" when there are checkpoints to check. Any other failure is an error.
    if (!(e instanceof ArgusError && e.code === 'not_found') || o.publicKeyFile !== undefined) throw e;
  }
  return { publicKey, keySource, anchor: await readAnchor(anchorPath(o)) };
}

/** Which check failed: the hash chain, a signature, a signed head hash, the tail, or the anchor file. */
export type AuditCheck = 'chain' | 'signature' | 'checkpoint' | 'tail' | 'anchor';

export interface AuditProblem {
  readonly check: AuditCheck;
  readonly seq: number | null;
  readonly message: string;
}

export interface AuditSealReport {
  readonly ok: boolean;
  /** Rows that chain (from the first). */
  readonly count: number;
  /** The last row's seq (0: empty). */
  readonly headSeq: number;
  /** The last row's hash (the genesis hash, zeros, when empty). */
  readonly headHash: string;
  /** The first problem (as the chain-only answer had them). */
  readonly brokenAtSeq?: number;
  readonly reason?: string;
  /** Key id of the trusted audit key (null: none found). */
  readonly keyId: string | null;
  /** Checkpoints whose signature and head hash check out. */
  readonly checkpoints: number;
  readonly latestCheckpoint: { readonly seq: number; readonly atMs: number } | null;
  /** Rows after the latest checkpoint: not covered by a signature yet. */
  readonly unsealedRows: number;
  readonly problems: readonly AuditProblem[];
}

interface Sourced extends SignedAuditCheckpoint {
  readonly sources: Set<'database' | 'anchor'>;
}

function gather(db: readonly SignedAuditCheckpoint[], anchor: readonly SignedAuditCheckpoint[]): Sourced[] {
  const all = new Map<string, Sourced>();
  const add = (c: SignedAuditCheckpoint, source: 'database' | 'anchor'): void => {
    const k = JSON.stringify([c.seq, c.keyId, c.headHash, c.atMs, c.count, c.signature]);
    const seen = all.get(k) ?? { ...c, sources: new Set() };
    seen.sources.add(source);
    all.set(k, seen);
  };
  db.forEach((c) => add(c, 'database'));
  anchor.forEach((c) => add(c, 'anchor'));
  return [...all.values()].sort((a, b) => a.seq - b.seq);
}

/** Signature checks: the checkpoints signed by the trusted key, and a problem for every other one. */
function checkSignatures(cps: readonly Sourced[], trust: AuditTrust, problems: AuditProblem[]): Sourced[] {
  if (!trust.publicKey) {
    if (cps.length > 0) problems.push({ check: 'signature', seq: null, message: `no audit public key at ${trust.keySource}: ${cps.length} signed checkpoint(s) cannot be checked` });
    return [];
  }
  const keyId = keyIdOf(trust.publicKey);
  const valid: Sourced[] = [];
  for (const c of cps) {
    const where = [...c.sources].join(' and ');
    if (c.keyId !== keyId) problems.push({ check: 'signature', seq: c.seq, message: `checkpoint seq ${c.seq} (${where}) is signed by key ${c.keyId}, not by the audit key ${keyId}` });
    else if (!checkpointSignatureValid(c, trust.publicKey)) problems.push({ check: 'signature', seq: c.seq, message: `signature mismatch at checkpoint seq ${c.seq} (${where}): the checkpoint was changed or forged` });
    else valid.push(c);
  }
  return valid;
}

/** The chain, every checkpoint's signature, each signed head hash against the chain, and the tail against the latest. */
export async function verifyAuditSeal(store: Store, trust: AuditTrust): Promise<AuditSealReport> {
  const problems: AuditProblem[] = [];
  const chain = await store.verifyAuditChain();
  if (!chain.ok) problems.push({ check: 'chain', seq: chain.brokenAtSeq, message: `the hash chain is broken at seq ${chain.brokenAtSeq}: ${chain.reason}` });
  const head = await store.auditHead();
  const headSeq = head?.seq ?? 0;
  const anchor = trust.anchor;
  for (const line of anchor?.badLines ?? []) problems.push({ check: 'anchor', seq: null, message: `${anchor!.path}: the line at byte ${line} is not a checkpoint` });
  const dbCheckpoints = await store.listAuditCheckpoints();
  const valid = checkSignatures(gather(dbCheckpoints, anchor?.checkpoints ?? []), trust, problems);
  if (anchor?.missing && dbCheckpoints.length > 0) {
    problems.push({ check: 'anchor', seq: null, message: `the anchor file ${anchor.path} is missing: a tail cut with its checkpoints could not be seen` });
  }
  const hashes = await store.auditHashesAt(valid.filter((c) => c.seq <= headSeq).map((c) => c.seq));
  let matching = 0;
  for (const c of valid) {
    if (c.seq > headSeq) continue; // the tail check below
    const h = hashes.get(c.seq);
    if (h === undefined) problems.push({ check: 'checkpoint', seq: c.seq, message: `row ${c.seq} of signed checkpoint seq ${c.seq} is missing` });
    else if (h !== c.headHash) {
      problems.push({ check: 'checkpoint', seq: c.seq, message: `signature mismatch at checkpoint seq ${c.seq}: the chain's hash there is not the signed head hash (rows up to ${c.seq} were changed and the chain recomputed)` });
    } else matching++;
  }
  const latest = valid[valid.length - 1] ?? null;
  if (latest && latest.seq > headSeq) {
    problems.push({ check: 'tail', seq: headSeq, message: `the chain ends at seq ${headSeq} before signed checkpoint seq ${latest.seq}: ${latest.seq - headSeq} row(s) missing after seq ${headSeq}` });
  }
  const first = problems[0];
  return {
    ok: problems.length === 0,
    count: chain.count,
    headSeq,
    headHash: head?.hash ?? AUDIT_GENESIS_HASH,
    ...(first ? { brokenAtSeq: first.seq ?? headSeq, reason: first.message } : {}),
    keyId: trust.publicKey ? keyIdOf(trust.publicKey) : null,
    checkpoints: matching,
    latestCheckpoint: latest ? { seq: latest.seq, atMs: latest.atMs } : null,
    unsealedRows: Math.max(0, headSeq - (latest?.seq ?? 0)),
    problems,
  };
}

/** For logs: the report in one line. */
export const describeAuditSeal = (r: AuditSealReport): string => (r.ok
  ? `audit log OK: ${r.count} entries chain; ${r.checkpoints} signed checkpoint(s), latest at seq ${r.latestCheckpoint?.seq ?? '-'}; ${r.unsealedRows} row(s) after it not signed yet`
  : `audit log BROKEN: ${r.problems.map((p) => `[${p.check}] ${p.message}`).join('; ')}`);

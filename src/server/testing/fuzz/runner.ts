/**
 * The API fuzzer: every route of `ctx.router.docs`, as every caller (each role's session, the partner key, the
 * ingest key, no session), with valid, boundary and hostile requests generated from the route's own schemas by a
 * seeded generator. Requests go one at a time over real HTTP to the real server; for each it checks:
 * - no 5xx, and an answer within `timeoutMs` (no hang), and an answer at all;
 * - a caller without the route's permission never gets a 2xx (nor does anyone without a session, off public routes);
 * - a request the route's schemas refuse never gets a 2xx;
 * - a refused request (4xx) changes nothing in the store (see state.ts for the decided exceptions).
 * Rounds go over every route × caller, so a time budget cut still covers every route evenly.
 */
import type { RouteDoc } from '../../http.js';
import type { TestServer } from '../harness.js';
import { makeCase, type CaseKind, type FuzzCase } from './requests.js';
import { Rng } from './rng.js';
import { callers, seedFuzzStore, type Caller } from './seed.js';
import { diffSnapshots, onlyLoginCounters, REFUSAL_AUDIT, type Snapshot, type StateProbe } from './state.js';

export interface FuzzOptions {
  readonly seed: number;
  /** Rounds over every route × caller at most. */
  readonly rounds: number;
  /** Stop starting new rounds after this long, ms (once `minRounds` are done). */
  readonly budgetMs: number;
  /** Rounds run whatever the time they take (default 1): what the run covers must not depend on the machine's load. */
  readonly minRounds?: number;
  /** Per request, ms (default 10 000). */
  readonly timeoutMs?: number;
  readonly probe: StateProbe;
  /** Only the routes whose `METHOD /url` matches (default: every route). */
  readonly only?: RegExp;
  readonly log?: (line: string) => void;
  /** Every request and its answer (the long run's --trace). */
  readonly trace?: (entry: { route: string; caller: string; kind: CaseKind; mutation: string; path: string; body?: string; status: number | null; code?: string; ms: number }) => void;
}

export type FindingKind = '5xx' | 'hang' | 'no-response' | 'forbidden-2xx' | 'accepted-invalid' | 'refused-changed';

export interface Finding {
  readonly kind: FindingKind;
  readonly route: string;
  readonly caller: string;
  readonly status: number | null;
  readonly case: Pick<FuzzCase, 'kind' | 'mutation' | 'method' | 'path'> & { body?: string };
  readonly detail: string;
}

export interface RouteCount {
  readonly route: string;
  valid: number;
  boundary: number;
  hostile: number;
  /** Valid or boundary requests of permitted callers that got a 2xx (the generator reaches the handler). */
  accepted: number;
  readonly statuses: Record<string, number>;
  readonly mutations: Record<string, number>;
}

export interface FuzzReport {
  readonly seed: number;
  readonly rounds: number;
  readonly requests: number;
  readonly elapsedMs: number;
  /** Store snapshots taken (after requests that wrote) and their time, ms. */
  readonly snapshots: { readonly count: number; readonly ms: number };
  readonly routes: RouteCount[];
  readonly findings: Finding[];
}

const KINDS: ReadonlyArray<readonly [CaseKind, number]> = [['valid', 0.35], ['boundary', 0.15], ['hostile', 0.5]];
const MAX_BODY_READ = 1 << 20;

function pickKind(rng: Rng): CaseKind {
  let x = rng.next();
  for (const [k, p] of KINDS) if ((x -= p) < 0) return k;
  return 'hostile';
}

const routeName = (d: RouteDoc): string => `${d.method} ${d.url}`;

/** Whether `caller` may call the route at all (its declared permission). */
export function permitted(doc: RouteDoc, caller: Caller): boolean {
  if (doc.permission === 'public') return true;
  if (caller.permissions === null) return false;
  return doc.permission === 'authenticated' || caller.permissions.has(doc.permission as never);
}

interface Answer {
  readonly status: number | null;
  /** The `error.code` of an error answer. */
  readonly code?: string;
  readonly ms: number;
  readonly error?: string;
  readonly endedSession: boolean;
}

/** Sends one case as `caller`; reads at most 1 MiB of the answer (an event stream: only its head). */
async function send(base: string, caller: Caller, c: FuzzCase, timeoutMs: number): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (c.authHeaders) Object.assign(headers, c.authHeaders);
  else {
    if (caller.client.cookie) headers['cookie'] = `${caller.client.cookie}; argus_csrf=${caller.client.csrf}`;
    if (caller.client.bearer) headers['authorization'] = `Bearer ${caller.client.bearer}`;
    if (caller.session && c.method !== 'GET' && !c.dropCsrf) headers['x-csrf-token'] = caller.client.csrf;
  }
  if (c.body) headers['content-type'] = c.body.contentType;
  const t0 = Date.now();
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeoutMs);
  try {
    const res = await fetch(base + c.path, { method: c.method, headers, signal: ctl.signal, ...(c.body ? { body: c.body.text } : {}) });
    const endedSession = res.headers.getSetCookie().some((sc) => /^argus_session=;/.test(sc));
    let code: string | undefined;
    if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) await res.body?.cancel();
    else if (res.status >= 400 && (res.headers.get('content-type') ?? '').startsWith('application/json')) code = errorCode(await res.text());
    else await readCapped(res);
    return { status: res.status, ms: Date.now() - t0, endedSession, ...(code ? { code } : {}) };
  } catch (e) {
    const ms = Date.now() - t0;
    const error = ctl.signal.aborted ? 'timeout' : `${(e as Error).message}: ${String((e as { cause?: unknown }).cause ?? '')}`;
    return { status: null, ms, error, endedSession: false };
  } finally {
    clearTimeout(timer);
  }
}

function errorCode(text: string): string | undefined {
  try {
    const code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

async function readCapped(res: Response): Promise<void> {
  const reader = res.body?.getReader();
  if (!reader) return;
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    n += value.byteLength;
    if (n > MAX_BODY_READ) {
      await reader.cancel();
      return;
    }
  }
}

/** A request body too large for any route: the server may close the connection before reading it all. */
const oversize = (c: FuzzCase): boolean => (c.body?.text.length ?? 0) > 2_000_000;

class Checker {
  readonly findings: Finding[] = [];
  /** Snapshots taken and the time they took, ms. */
  snapshots = 0;
  snapshotMs = 0;
  private snap: Snapshot | undefined;
  private mark = '';

  constructor(private readonly probe: StateProbe) {}

  /** Before a request: a snapshot that is current. */
  async before(): Promise<void> {
    this.snap ??= await this.timed();
    this.mark = await this.probe.mark();
  }

  /** After a request: what changed, when it was refused (null: nothing forbidden changed). */
  async after(refused: boolean, login: boolean): Promise<string | null> {
    if ((await this.probe.mark()) === this.mark) return null;
    const before = this.snap!;
    const now = await this.timed();
    this.snap = now;
    if (!refused) return null;
    const changes = diffSnapshots(before, now).filter((ch) => !(login && onlyLoginCounters(ch)));
    const audit = (await this.probe.auditSince(before.auditSeq)).filter((a) => !REFUSAL_AUDIT.test(a.action));
    const parts = [
      ...changes.map((ch) => `${ch.table}: +${ch.added.length} -${ch.removed.length} (e.g. ${(ch.added[0] ?? ch.removed[0] ?? '').slice(0, 200)})`),
      ...audit.map((a) => `audit_log: ${a.action} ${a.target ?? ''}`),
    ];
    return parts.length > 0 ? parts.join('; ') : null;
  }

  private async timed(): Promise<Snapshot> {
    const t0 = Date.now();
    const s = await this.probe.snapshot();
    this.snapshots++;
    this.snapshotMs += Date.now() - t0;
    return s;
  }

  /** Something outside the compared requests wrote (a re-login): take a new snapshot before the next one. */
  invalidate(): void {
    this.snap = undefined;
  }
}

function judge(doc: RouteDoc, caller: Caller, c: FuzzCase, a: Answer, timeoutMs: number): Array<[Finding['kind'], string]> {
  const out: Array<[Finding['kind'], string]> = [];
  if (a.status === null) {
    if (a.error === 'timeout') out.push(['hang', `no answer within ${timeoutMs} ms`]);
    else if (!oversize(c)) out.push(['no-response', a.error ?? 'connection failed']);
    return out;
  }
  // 502/504 with a source_* code: the camera is unreachable (the server is the gateway to it), not a server fault.
  const cameraDown = (a.status === 502 || a.status === 504) && (a.code ?? '').startsWith('source_');
  if (a.status >= 500 && !cameraDown) out.push(['5xx', `answered ${a.status} ${a.code ?? ''}`]);
  const ok = a.status >= 200 && a.status < 400;
  if (ok && (!permitted(doc, caller) || c.authHeaders !== undefined || c.dropCsrf) && doc.permission !== 'public') {
    out.push(['forbidden-2xx', `${caller.name} lacks ${doc.permission}${c.authHeaders ? ' (forged credentials)' : c.dropCsrf ? ' (no CSRF token)' : ''} yet got ${a.status}`]);
  }
  if (ok && !c.schemaOk && !c.authHeaders && !c.dropCsrf) out.push(['accepted-invalid', `the route's schemas refuse this request, yet it got ${a.status}`]);
  return out;
}

export async function runApiFuzz(t: TestServer, o: FuzzOptions): Promise<FuzzReport> {
  const log = o.log ?? (() => undefined);
  const timeoutMs = o.timeoutMs ?? 10_000;
  const hintsOf = await seedFuzzStore(t);
  const who = await callers(t);
  const docs = [...t.server.ctx.router.docs].filter((d) => !o.only || o.only.test(routeName(d))).sort((a, b) => routeName(a).localeCompare(routeName(b)));
  const counts = new Map(docs.map((d) => [routeName(d), { route: routeName(d), valid: 0, boundary: 0, hostile: 0, accepted: 0, statuses: {}, mutations: {} } as RouteCount]));
  const rngs = new Map<string, Rng>();
  const root = new Rng(o.seed);
  const checker = new Checker(o.probe);
  const t0 = Date.now();
  let requests = 0;
  let round = 0;
  for (; round < o.rounds && (round < (o.minRounds ?? 1) || Date.now() - t0 < o.budgetMs); round++) {
    for (const doc of docs) {
      const hints = hintsOf(doc.method, doc.url);
      for (const caller of who) {
        const key = `${routeName(doc)}|${caller.name}`;
        let rng = rngs.get(key);
        if (!rng) rngs.set(key, (rng = root.fork(key)));
        const c = makeCase(doc, pickKind(rng), rng, hints, caller.session);
        await checker.before();
        const a = await send(t.url, caller, c, timeoutMs);
        requests++;
        // What the request left running (a share package build) is its doing: wait for it before comparing the store.
        await t.server.ctx.background.idle();
        const refused = a.status !== null && a.status >= 400 && a.status < 500;
        const changed = await checker.after(refused, doc.url === '/api/auth/login');
        const found = judge(doc, caller, c, a, timeoutMs);
        if (changed) found.push(['refused-changed', `${a.status} yet ${changed}`]);
        for (const [kind, detail] of found) {
          const f: Finding = { kind, route: routeName(doc), caller: caller.name, status: a.status, detail, case: { kind: c.kind, mutation: c.mutation, method: c.method, path: c.path.slice(0, 300), ...(c.body ? { body: c.body.text.slice(0, 300) } : {}) } };
          checker.findings.push(f);
          log(`fuzz finding ${kind} ${f.route} as ${caller.name}: ${detail} — ${c.mutation} ${c.path.slice(0, 160)}`);
        }
        o.trace?.({ route: routeName(doc), caller: caller.name, kind: c.kind, mutation: c.mutation, path: c.path.slice(0, 500), ...(c.body ? { body: c.body.text.slice(0, 500) } : {}), status: a.status, ...(a.code ? { code: a.code } : {}), ms: a.ms });
        const rc = counts.get(routeName(doc))!;
        rc[c.kind]++;
        rc.mutations[c.mutation] = (rc.mutations[c.mutation] ?? 0) + 1;
        const st = a.status === null ? (a.error === 'timeout' ? 'timeout' : 'error') : String(a.status);
        rc.statuses[st] = (rc.statuses[st] ?? 0) + 1;
        if (c.kind !== 'hostile' && permitted(doc, caller) && a.status !== null && a.status < 300) rc.accepted++;
        if (a.endedSession || (caller.session && a.status === 401 && !c.authHeaders)) {
          await caller.relogin();
          checker.invalidate();
        }
      }
    }
    log(`fuzz round ${round + 1}: ${requests} requests, ${checker.findings.length} findings, ${Math.round((Date.now() - t0) / 1000)} s`);
  }
  return {
    seed: o.seed, rounds: round, requests, elapsedMs: Date.now() - t0, snapshots: { count: checker.snapshots, ms: checker.snapshotMs }, routes: [...counts.values()], findings: checker.findings,
  };
}

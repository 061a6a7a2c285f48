/**
 * What the API fuzzer compares around a refused request: every table of the store, read from outside the server
 * (its own connection), as sets of rows. Decided exceptions, the same for every route:
 * - touch-on-use columns are left out (`sessions.last_seen_ms`, `api_keys.last_used_ms`): reading who calls is not
 *   a change a refusal makes;
 * - the audit log may gain rows whose action records a refusal (`auth.login_failed`, `…denied`, `…refused`,
 *   `…forbidden`, `…_failed`): refusals are worth auditing; any other audit row is a change;
 * - a refused login may change the user's failure counter and lock (`users.failed_logins`, `locked_until_ms`,
 *   `updated_at_ms`): counting failures is the point of the refusal.
 * A cheap detector (SQLite `PRAGMA data_version` of that connection; PostgreSQL's WAL insert position) says
 * whether anything was written at all, so full snapshots are taken only when something was.
 */
import Database from 'better-sqlite3';
import pg from 'pg';

export const IGNORED_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  sessions: ['last_seen_ms'],
  api_keys: ['last_used_ms'],
};
export const REFUSAL_AUDIT = /(^auth\.login_failed$|denied$|refused$|forbidden$|_failed$)/;
export const LOGIN_FAILURE_COLUMNS = ['failed_logins', 'locked_until_ms', 'last_failed_login_ms', 'updated_at_ms'] as const;
const AUDIT_TABLE = 'audit_log';

export interface Snapshot {
  /** Table → its rows as canonical JSON (audit rows kept apart, by seq). */
  readonly tables: ReadonlyMap<string, ReadonlySet<string>>;
  readonly auditSeq: number;
}

export interface StateProbe {
  /** Changes when anything was committed (may change for other reasons too: then a snapshot is compared). */
  mark(): Promise<string>;
  snapshot(): Promise<Snapshot>;
  /** Audit rows after `seq`: their action. */
  auditSince(seq: number): Promise<Array<{ seq: number; action: string; target: string | null }>>;
  close(): Promise<void>;
}

const canonical = (row: Record<string, unknown>, drop: readonly string[]): string =>
  JSON.stringify(Object.keys(row).filter((k) => !drop.includes(k)).sort().map((k) => [k, typeof row[k] === 'bigint' ? String(row[k]) : row[k]]));

export function sqliteProbe(file: string): StateProbe {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  const tables = (): string[] => (db.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'").all() as Array<{ name: string }>).map((r) => r.name);
  return {
    mark: async () => String(db.pragma('data_version', { simple: true })),
    async snapshot() {
      const out = new Map<string, Set<string>>();
      for (const t of tables()) {
        if (t === AUDIT_TABLE) continue;
        const drop = IGNORED_COLUMNS[t] ?? [];
        out.set(t, new Set((db.prepare(`select * from "${t}"`).all() as Array<Record<string, unknown>>).map((r) => canonical(r, drop))));
      }
      const seq = (db.prepare(`select coalesce(max(seq), 0) as s from ${AUDIT_TABLE}`).get() as { s: number }).s;
      return { tables: out, auditSeq: seq };
    },
    auditSince: async (seq) => db.prepare(`select seq, action, target from ${AUDIT_TABLE} where seq > ? order by seq`).all(seq) as Array<{ seq: number; action: string; target: string | null }>,
    close: async () => void db.close(),
  };
}

export async function postgresProbe(connectionString: string): Promise<StateProbe> {
  const c = new pg.Client({ connectionString });
  await c.connect();
  return {
    mark: async () => String((await c.query<{ l: string }>('select pg_current_wal_insert_lsn()::text as l')).rows[0]!.l),
    async snapshot() {
      const names = (await c.query<{ t: string }>("select table_name as t from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'")).rows.map((r) => r.t);
      const out = new Map<string, Set<string>>();
      for (const t of names) {
        if (t === AUDIT_TABLE) continue;
        const drop = IGNORED_COLUMNS[t] ?? [];
        out.set(t, new Set((await c.query<Record<string, unknown>>(`select * from "${t}"`)).rows.map((r) => canonical(r, drop))));
      }
      const seq = Number((await c.query<{ s: string }>(`select coalesce(max(seq), 0)::text as s from ${AUDIT_TABLE}`)).rows[0]!.s);
      return { tables: out, auditSeq: seq };
    },
    auditSince: async (seq) => (await c.query<{ seq: string; action: string; target: string | null }>(`select seq::text, action, target from ${AUDIT_TABLE} where seq > $1 order by seq`, [seq])).rows.map((r) => ({ ...r, seq: Number(r.seq) })),
    close: () => c.end(),
  };
}

export interface StateChange {
  readonly table: string;
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

/** The rows that differ between two snapshots, table by table (audit rows apart). */
export function diffSnapshots(a: Snapshot, b: Snapshot): StateChange[] {
  const out: StateChange[] = [];
  for (const t of new Set([...a.tables.keys(), ...b.tables.keys()])) {
    const x = a.tables.get(t) ?? new Set<string>();
    const y = b.tables.get(t) ?? new Set<string>();
    const added = [...y].filter((r) => !x.has(r));
    const removed = [...x].filter((r) => !y.has(r));
    if (added.length > 0 || removed.length > 0) out.push({ table: t, added, removed });
  }
  return out;
}

/** A refused login's change to a user's failure counter: the same rows but for those columns. */
export function onlyLoginCounters(change: StateChange): boolean {
  if (change.table !== 'users' || change.added.length !== change.removed.length) return false;
  const strip = (r: string): string => JSON.stringify((JSON.parse(r) as Array<[string, unknown]>).filter(([k]) => !(LOGIN_FAILURE_COLUMNS as readonly string[]).includes(k)));
  const before = new Set(change.removed.map(strip));
  return change.added.every((r) => before.has(strip(r)));
}

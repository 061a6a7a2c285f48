/**
 * A consumer PROCESS for the cluster fault tests (`node --import tsx src/bus/testing/consumer-child.ts <json>`): it
 * consumes a durable of the bus into a real SQLite file, one transaction per batch, idempotent by message id
 * (INSERT OR IGNORE), as the store's ingest does. At its `hangAfter`-th batch it prints `hang <ids>` and stops,
 * after committing that batch or before, never acknowledging it: the test kills it there with SIGKILL.
 */
import Database from 'better-sqlite3';
import { connectNats } from '../nats-connect.js';
import { NatsBus } from '../nats.js';
import type { TestMessage } from './conformance.js';

interface ChildArgs {
  readonly servers: string[];
  readonly stream: string;
  readonly prefix: string;
  readonly durable: string;
  readonly db: string;
  readonly batch: number;
  readonly ackWaitMs: number;
  readonly hangAfter: number;
  /** Hang after the commit of that batch (committed, not acknowledged) or before it (received, not committed). */
  readonly hang: 'after-commit' | 'before-commit';
}

const args = JSON.parse(process.argv[2] ?? '{}') as ChildArgs;
const db = new Database(args.db);
db.pragma('journal_mode = WAL');
db.exec('CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, n INTEGER NOT NULL)');
const insert = db.prepare('INSERT OR IGNORE INTO events (id, n) VALUES (?, ?)');
const commit = db.transaction((batch: readonly TestMessage[]) => {
  for (const m of batch) insert.run(m.id, m.n);
});

const nc = await connectNats({ servers: args.servers, name: 'consumer-child' });
const bus = await NatsBus.open<TestMessage>(nc, { stream: args.stream, subjectPrefix: args.prefix, replicas: 3, maxBytes: 256 * 1024 ** 2 });
let batches = 0;
bus.consume({ durable: args.durable, batch: args.batch, ackWaitMs: args.ackWaitMs }, async (batch) => {
  const last = ++batches >= args.hangAfter;
  if (!(last && args.hang === 'before-commit')) commit(batch.map((d) => d.message));
  if (last) {
    process.stdout.write(`hang ${batch.map((d) => d.message.id).join(',')}\n`);
    await new Promise(() => undefined);
  }
});
process.stdout.write('ready\n');

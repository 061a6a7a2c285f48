/**
 * One fuzz session: a real server (harness) on SQLite or a throw-away PostgreSQL database, seeded, fuzzed, disposed.
 * Shared by the bounded run in `npm test` (test/api-fuzz.test.ts) and the long run (scripts/fuzz-api.sh).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '../../../config/schema.js';
import { startTestServer } from '../harness.js';
import { runApiFuzz, type FuzzOptions, type FuzzReport } from './runner.js';
import { FUZZ_CONFIG } from './seed.js';
import { postgresProbe, sqliteProbe } from './state.js';

export interface FuzzSessionOptions {
  readonly dialect: 'sqlite' | 'postgres';
  readonly seed: number;
  readonly rounds: number;
  readonly budgetMs: number;
  readonly minRounds?: number;
  readonly timeoutMs?: number;
  readonly log?: (line: string) => void;
  readonly trace?: FuzzOptions['trace'];
  readonly only?: RegExp;
}

export async function fuzzSession(o: FuzzSessionOptions): Promise<FuzzReport> {
  // Cameras a write route adds run without a detector (no model load during the fuzz) and never raise signal-loss
  // alerts (a write in the background would look like a change made by whatever request was refused meanwhile).
  const noModels = await mkdtemp(join(tmpdir(), 'argus-fuzz-nomodels-'));
  const quiet = { modelsDir: noModels, restartDelayMs: 30_000, signalLossMs: 1e9, startupGraceMs: 1e9 };
  const t = await startTestServer(o.dialect, { config: configSchema.parse(FUZZ_CONFIG), footageInDataDir: true, auth: { loginPerIpPerMin: 1_000_000 }, cameras: quiet });
  const probe = o.dialect === 'sqlite' ? sqliteProbe(join(t.dataDir, 'argus.db')) : await postgresProbe(t.databaseUrl!);
  try {
    const report = await runApiFuzz(t, { seed: o.seed, rounds: o.rounds, budgetMs: o.budgetMs, ...(o.minRounds ? { minRounds: o.minRounds } : {}), probe, ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}), ...(o.log ? { log: o.log } : {}), ...(o.trace ? { trace: o.trace } : {}), ...(o.only ? { only: o.only } : {}) });
    const health = await fetch(`${t.url}/api/health`);
    if (health.status !== 200) throw new Error(`the server is not healthy after the fuzz: ${health.status}`);
    const chain = await t.store.verifyAuditChain();
    if (!chain.ok) throw new Error(`the audit chain does not verify after the fuzz: ${JSON.stringify(chain)}`);
    return report;
  } finally {
    await probe.close();
    await t.dispose();
    await rm(noModels, { recursive: true, force: true });
  }
}

/** The per-route table of a report (markdown), for the test's output and the closing note. */
export function reportTable(r: FuzzReport): string {
  const rows = r.routes.map((c) => `| ${c.route} | ${c.valid} | ${c.boundary} | ${c.hostile} | ${c.accepted} | ${Object.entries(c.statuses).sort().map(([s, n]) => `${s}×${n}`).join(' ')} |`);
  return ['| route | valid | boundary | hostile | valid→2xx | statuses |', '|---|---|---|---|---|---|', ...rows].join('\n');
}

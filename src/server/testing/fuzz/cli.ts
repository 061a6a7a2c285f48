/**
 * The long API fuzz (scripts/fuzz-api.sh): `node --import tsx src/server/testing/fuzz/cli.ts --seed N --rounds N
 * [--budget-s S] [--dialect sqlite|postgres] [--timeout-ms MS] [--json FILE] [--trace FILE.jsonl] [--routes REGEX]`. Prints the per-route table and the
 * findings; exits 1 when there are findings.
 */
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { fuzzSession, reportTable } from './session.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: String(Date.now() % 1_000_000) }, rounds: { type: 'string', default: '100' }, 'budget-s': { type: 'string', default: '3600' },
    dialect: { type: 'string', default: 'sqlite' }, 'timeout-ms': { type: 'string', default: '10000' }, json: { type: 'string' }, trace: { type: 'string' }, routes: { type: 'string' },
  },
});
const dialect = values.dialect === 'postgres' ? 'postgres' : 'sqlite';
const seed = Number(values.seed);
process.stderr.write(`api fuzz: seed ${seed}, ${values.rounds} rounds at most, ${values['budget-s']} s at most, ${dialect}\n`);
const trace = values.trace ? createWriteStream(values.trace) : undefined;
const report = await fuzzSession({
  dialect, seed, rounds: Number(values.rounds), budgetMs: Number(values['budget-s']) * 1000, timeoutMs: Number(values['timeout-ms']),
  log: (l) => process.stderr.write(`${l}\n`),
  ...(values.routes ? { only: new RegExp(values.routes) } : {}),
  ...(trace ? { trace: (e) => void trace.write(`${JSON.stringify(e)}\n`) } : {}),
});
trace?.end();
if (values.json) await writeFile(values.json, `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`${reportTable(report)}\n\nseed ${report.seed}: ${report.requests} requests in ${report.rounds} rounds, ${Math.round(report.elapsedMs / 1000)} s (${report.snapshots.count} store snapshots, ${Math.round(report.snapshots.ms / 1000)} s), ${report.findings.length} findings\n`);
for (const f of report.findings) process.stdout.write(`${JSON.stringify(f)}\n`);
process.exitCode = report.findings.length > 0 ? 1 : 0;

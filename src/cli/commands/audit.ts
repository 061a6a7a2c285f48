import { join, resolve } from 'node:path';
import { openServiceStore } from '../../server/open-store.js';
import { describeAuditSeal, loadAuditTrust, verifyAuditSeal } from '../../store/audit-seal.js';
import { parseCommandArgs } from '../args.js';

const HELP = `Usage: argus audit verify [--data DIR] [--database URL] [--keys DIR] [--anchor FILE] [--public-key FILE]

Check the audit log:
  chain       every row's hash chains from the first row
  signature   every checkpoint (in the database and in the anchor file) is signed by the audit key
  checkpoint  each signed head hash is still the chain's hash at that row (a rewritten, recomputed chain is not)
  tail        the chain reaches the latest signed checkpoint (a cut tail ends before it)
  anchor      the anchor file is there and readable
Exit 0 when all pass, 1 with every problem found (one line each, the check first).

Options:
  --data DIR         Data directory (default ./data): the SQLite database, and keys/ by default
  --database URL     PostgreSQL (postgres://…) instead of SQLite (or ARGUS_DATABASE_URL)
  --keys DIR         Key directory of the service (default DIR/keys): audit-ed25519.pub.pem and audit-checkpoints.jsonl
  --anchor FILE      The checkpoint anchor file, when kept elsewhere (default <keys>/audit-checkpoints.jsonl)
  --public-key FILE  The audit public key (PEM), when checking on another machine`;

const OPTIONS = {
  data: { type: 'string' }, database: { type: 'string' }, keys: { type: 'string' }, anchor: { type: 'string' }, 'public-key': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function audit(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (positionals[0] !== 'verify' || positionals.length !== 1) {
    process.stderr.write(`${HELP}\n`);
    return 2;
  }
  // The trust comes from files, never from the database: read it before the store is opened.
  const keyDir = values.keys ?? join(resolve(values.data ?? 'data'), 'keys');
  const trust = await loadAuditTrust({ keyDir, anchorFile: values.anchor, publicKeyFile: values['public-key'] });
  const { store, where } = await openServiceStore({ dataDir: values.data, databaseUrl: values.database });
  try {
    const r = await verifyAuditSeal(store, trust);
    if (r.ok) {
      process.stdout.write(`${describeAuditSeal(r)} (head ${r.headHash}, key ${r.keyId ?? 'none'}) in ${where}\n`);
      if (r.checkpoints === 0 && r.count > 0) process.stdout.write(`warning: no signed checkpoint yet: the ${r.count} rows are chained but not signed\n`);
      return 0;
    }
    process.stdout.write(`audit log BROKEN at seq ${r.brokenAtSeq ?? r.headSeq}: ${r.problems.length} problem(s) in ${where} (key ${r.keyId ?? 'none'}, anchor ${trust.anchor?.path ?? '-'})\n`);
    for (const p of r.problems) process.stdout.write(`  ${p.check}: ${p.message}\n`);
    return 1;
  } finally {
    await store.close();
  }
}

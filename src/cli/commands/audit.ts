import { openServiceStore } from '../../server/open-store.js';
import { parseCommandArgs } from '../args.js';

const HELP = `Usage: argus audit verify [--data DIR] [--database URL]

Recompute the hash chain of the audit log. Exit 0 when every row chains, 1 with the first broken row.`;

export async function audit(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { data: { type: 'string' }, database: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (positionals[0] !== 'verify' || positionals.length !== 1) {
    process.stderr.write(`${HELP}\n`);
    return 2;
  }
  const { store, where } = await openServiceStore({ dataDir: values.data, databaseUrl: values.database });
  try {
    const v = await store.verifyAuditChain();
    if (v.ok) {
      process.stdout.write(`audit log OK: ${v.count} entries chain (head ${v.headHash}) in ${where}\n`);
      return 0;
    }
    process.stdout.write(`audit log BROKEN at seq ${v.brokenAtSeq}: ${v.reason} (${v.count} entries checked) in ${where}\n`);
    return 1;
  } finally {
    await store.close();
  }
}

import { formatProblem, loadConfigFile } from '../../config/load.js';
import { parseCommandArgs } from '../args.js';

const HELP = `Usage: argus config check FILE

Validates a site configuration file and reports every problem with its path and line.
Exit code 0 when valid, 1 when not, 2 on a usage error.`;

export async function config(argv: string[]): Promise<number> {
  const { positionals, values } = parseCommandArgs(argv, { help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const [sub, file] = positionals;
  if (sub !== 'check' || file === undefined || positionals.length !== 2) {
    process.stderr.write(`${HELP}\n`);
    return 2;
  }
  const r = await loadConfigFile(file);
  if (r.ok) {
    const cams = r.config.cameras.length;
    process.stdout.write(`${file}: OK (${r.config.sites.length} site(s), ${cams} camera(s))\n`);
    return 0;
  }
  process.stderr.write(`${file}: ${r.problems.length} problem(s)\n${r.problems.map(formatProblem).join('\n')}\n`);
  return 1;
}

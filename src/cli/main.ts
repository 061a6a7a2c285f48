import { errorMessage, isArgusError } from '../core/errors.js';

/** A sub-command: receives its own argv, returns the exit code. */
export type Command = (argv: string[]) => Promise<number>;

interface CommandEntry {
  readonly summary: string;
  readonly load: () => Promise<Command>;
}

/** The one explicit registry of sub-commands (lazy: a command loads only what it needs). */
const COMMANDS: Record<string, CommandEntry> = {
  analyze: { summary: 'Analyse a video file or stream: detect, track, count, read plates', load: async () => (await import('./commands/analyze.js')).analyze },
  config: { summary: 'Check a site configuration file (`argus config check FILE`)', load: async () => (await import('./commands/config.js')).config },
  models: { summary: 'List and install detector models (`argus models list|install`)', load: async () => (await import('./commands/models.js')).models },
  faces: { summary: 'Evaluate face embedders and convert face models (`argus faces eval|convert`)', load: async () => (await import('./commands/faces.js')).faces },
  plates: { summary: 'Read and evaluate licence plates (`argus plates read|eval`)', load: async () => (await import('./commands/plates.js')).plates },
  evidence: { summary: 'Verify violation evidence (`argus evidence verify DIR`)', load: async () => (await import('./commands/evidence.js')).evidence },
  serve: { summary: 'Run the service: API, web UI, cameras (`argus serve --config FILE`)', load: async () => (await import('./commands/serve.js')).serve },
  worker: { summary: 'Run a camera worker of the scaled mode over NATS (`argus worker --nats URL --name W`)', load: async () => (await import('./commands/worker.js')).worker },
  users: { summary: 'Manage users (`argus users add|list`)', load: async () => (await import('./commands/users.js')).users },
  audit: { summary: 'Check the audit log hash chain (`argus audit verify`)', load: async () => (await import('./commands/audit.js')).audit },
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  return [
    'Argus — camera network analytics',
    '',
    'Usage: argus <command> [options]   (argus <command> --help for details)',
    '',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    process.stderr.write(`argus: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  try {
    const command = await entry.load();
    return await command(rest);
  } catch (e) {
    // One clear line for the user; the code says which kind of failure it was.
    const code = isArgusError(e) ? ` [${e.code}]` : '';
    process.stderr.write(`argus ${name}: ${errorMessage(e)}${code}\n`);
    if (process.env.ARGUS_DEBUG) process.stderr.write(`${(e as Error).stack ?? ''}\n`);
    return 1;
  }
}

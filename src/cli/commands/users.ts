import { createInterface } from 'node:readline';
import { ArgusError } from '../../core/errors.js';
import { openServiceStore } from '../../server/open-store.js';
import { ROLES } from '../../server/rbac.js';
import { createUser } from '../../server/users.js';
import { parseCommandArgs } from '../args.js';

const HELP = `Usage: argus users add --username U --role ROLE [--role ROLE…] [--name "Full name"] [--password-stdin] [--data DIR] [--database URL]
       argus users list [--data DIR] [--database URL]

Roles: ${ROLES.join(', ')}. The password is asked for (twice, not echoed) unless --password-stdin reads it from
standard input (first line).`;

const OPTIONS = {
  username: { type: 'string' },
  role: { type: 'string', multiple: true },
  name: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  data: { type: 'string' },
  database: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return (Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '').trim();
}

function askHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    const out = rl as unknown as { _writeToOutput: (s: string) => void };
    out._writeToOutput = (s: string) => {
      if (s.includes(question)) process.stdout.write(s);
    };
    rl.question(question, (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
  });
}

async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) return readStdinLine();
  if (!process.stdin.isTTY) throw new ArgusError('invalid_argument', 'no terminal to ask for the password: use --password-stdin');
  const a = await askHidden('Password: ');
  const b = await askHidden('Again: ');
  if (a !== b) throw new ArgusError('invalid_argument', 'the passwords differ');
  return a;
}

export async function users(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const sub = positionals[0];
  if ((sub !== 'add' && sub !== 'list') || positionals.length !== 1) {
    process.stderr.write(`${HELP}\n`);
    return 2;
  }
  if (sub === 'add' && (!values.username || !values.role?.length)) throw new ArgusError('invalid_argument', '--username and --role are required');
  const password = sub === 'add' ? await readPassword(values['password-stdin'] === true) : '';
  const { store } = await openServiceStore({ dataDir: values.data, databaseUrl: values.database });
  try {
    if (sub === 'list') {
      for (const u of await store.listUsers()) process.stdout.write(`${u.username}\t${u.roles.join(',')}\t${u.disabled ? 'disabled' : 'active'}\n`);
      return 0;
    }
    const u = await createUser(store, { username: values.username!, password, roles: values.role!, ...(values.name ? { displayName: values.name } : {}) });
    await store.appendAudit({ atMs: Date.now(), actor: 'system', action: 'user.create', target: u.id, details: { username: u.username, roles: [...u.roles], via: 'cli' } });
    process.stdout.write(`user ${u.username} created (${u.roles.join(', ')})\n`);
    return 0;
  } finally {
    await store.close();
  }
}

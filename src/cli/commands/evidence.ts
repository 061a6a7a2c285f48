import { join } from 'node:path';
// Only the verifier and the keys: verifying needs neither sharp nor ffmpeg.
import { loadOrCreateKeyPair, readPublicKeyFile } from '../../evidence/keys.js';
import { verifyEvidenceTree } from '../../evidence/verify.js';
import { parseCommandArgs } from '../args.js';

const HELP = `Usage: argus evidence verify DIR [--key PUB.pem]
       argus evidence key KEYDIR

verify  Checks violation evidence: the Ed25519 signature of manifest.json and the SHA-256 of every file;
        fails on any changed byte, a missing or an added file. DIR is one evidence directory or a parent
        holding several. With --key the signer must be that public key; without it the key embedded in
        the evidence is used (integrity only: it does not prove who signed).
        Exit 0 when intact, 1 with one line per problem ("PATH: modified|missing|unexpected|bad_signature").
key     Loads the evidence signing key in KEYDIR, creating it when absent (private key mode 0600), and prints
        the public key (PEM) to give to verifiers.`;

async function verify(dir: string, keyPath: string | undefined): Promise<number> {
  const key = keyPath === undefined ? undefined : await readPublicKeyFile(keyPath);
  const r = await verifyEvidenceTree(dir, key);
  if (!r.ok) {
    process.stdout.write(`${r.problems.map((p) => `${p.file === '.' ? dir : join(dir, p.file)}: ${p.problem}`).join('\n')}\n`);
    return 1;
  }
  const keyIds = [...new Set(r.entries.map((e) => e.result.keyId ?? '?'))].join(', ');
  const trust = key ? 'signed by the given key' : 'signature checked with the embedded key only (pass --key to check the signer)';
  process.stdout.write(`${dir}: OK (${r.entries.length} evidence set(s), key ${keyIds}; ${trust})\n`);
  return 0;
}

export async function evidence(argv: string[]): Promise<number> {
  const { positionals, values } = parseCommandArgs(argv, { help: { type: 'boolean', short: 'h' }, key: { type: 'string', short: 'k' } });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const [sub, dir] = positionals;
  if (sub === 'verify' && dir !== undefined && positionals.length === 2) return verify(dir, values.key);
  if (sub === 'key' && dir !== undefined && positionals.length === 2 && values.key === undefined) {
    const pair = await loadOrCreateKeyPair(dir);
    process.stdout.write(pair.publicKeyPem);
    process.stderr.write(`key id ${pair.keyId}\n`);
    return 0;
  }
  process.stderr.write(`${HELP}\n`);
  return 2;
}

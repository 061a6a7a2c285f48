/** scrypt password hashes (node:crypto): `scrypt$N$r$p$salt$hash`, per-user random salt, constant-time compare. */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { ArgusError } from '../core/errors.js';

const N = 16384;
const R = 8;
const P = 1;
const KEY_LEN = 32;

const scrypt = (password: string, salt: Buffer, keyLen: number, opts: ScryptOptions): Promise<Buffer> =>
  new Promise((resolve, reject) => scryptCb(password, salt, keyLen, opts, (err, key) => (err ? reject(err) : resolve(key))));

export const MIN_PASSWORD_LENGTH = 10;

export function checkPasswordStrength(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw new ArgusError('invalid_argument', `password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > 256) throw new ArgusError('invalid_argument', 'password must be at most 256 characters');
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password.normalize('NFKC'), salt, KEY_LEN, { N, r: R, p: P, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/**
 * A hash to compare against when the user does not exist (same parameters, so the same cost: timing does not reveal
 * usernames). Fixed, of a random password nobody kept: a hash made on first use would make the first unknown-user
 * sign-in twice as slow as any other. A test checks it has hashPassword's parameters.
 */
export const DUMMY_HASH = 'scrypt$16384$8$1$UMEpIsnw8tMVoPKHDesGMA$ue2xHOZ_W4VvVxZtErbcNl7BRMeiS7qJQsqa3EXOKLw';

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const expected = Buffer.from(parts[5] ?? '', 'base64url');
  if (![n, r, p].every((x) => Number.isInteger(x) && x > 0) || expected.length === 0) return false;
  const key = await scrypt(password.normalize('NFKC'), salt, expected.length, { N: n, r, p, maxmem: 256 * 1024 * 1024 });
  return timingSafeEqual(key, expected);
}

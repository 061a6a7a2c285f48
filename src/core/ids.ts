import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32

/**
 * A ULID: 48-bit time + 80-bit randomness, lexicographically sortable by time. `random` (16 bytes or more) replaces the
 * randomness: the same bytes give the same id (an id derived from what it names, so a replay is stored once).
 */
export function ulid(timeMs: number = Date.now(), random?: Uint8Array): string {
  let t = Math.floor(timeMs);
  let timePart = '';
  for (let i = 0; i < 10; i++) {
    timePart = ALPHABET[t % 32]! + timePart;
    t = Math.floor(t / 32);
  }
  const rnd = random ?? randomBytes(16);
  let randPart = '';
  for (let i = 0; i < 16; i++) randPart += ALPHABET[rnd[i]! % 32]!;
  return timePart + randPart;
}

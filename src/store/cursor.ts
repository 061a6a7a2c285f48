/** Opaque, tamper-evident page cursors: base64url(JSON payload) "." base64url(HMAC-SHA256 tag). */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ArgusError } from '../core/errors.js';

export type CursorValue = string | number;

export class CursorCodec {
  constructor(private readonly secret: string) {}

  /** `scope` binds a cursor to one listing and its filters: a cursor of another query is refused. */
  encode(scope: string, values: readonly CursorValue[]): string {
    const body = Buffer.from(JSON.stringify(values)).toString('base64url');
    return `${body}.${this.tag(scope, body)}`;
  }

  decode(scope: string, cursor: string, shape: ReadonlyArray<'string' | 'number'>): CursorValue[] {
    const bad = (why: string): ArgusError => new ArgusError('invalid_argument', `invalid cursor: ${why}`);
    if (typeof cursor !== 'string' || cursor.length > 512) throw bad('malformed');
    const dot = cursor.indexOf('.');
    if (dot <= 0) throw bad('malformed');
    const body = cursor.slice(0, dot);
    // Compare the tag text, not its decoded bytes: base64url decoding ignores stray characters.
    const given = Buffer.from(cursor.slice(dot + 1), 'utf8');
    const expected = Buffer.from(this.tag(scope, body), 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw bad('signature mismatch (altered, or from another query)');
    let values: unknown;
    try {
      values = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch (e) {
      throw new ArgusError('invalid_argument', 'invalid cursor: not JSON', { cause: e });
    }
    if (!Array.isArray(values) || values.length !== shape.length) throw bad('wrong shape');
    values.forEach((v, i) => {
      if (typeof v !== shape[i] || (typeof v === 'number' && !Number.isFinite(v))) throw bad('wrong shape');
    });
    return values as CursorValue[];
  }

  private tag(scope: string, body: string): string {
    return createHmac('sha256', this.secret).update(scope).update('\0').update(body).digest().subarray(0, 18).toString('base64url');
  }
}

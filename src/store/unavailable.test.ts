import { describe, expect, it } from 'vitest';
import { isStoreUnavailable } from './unavailable.js';

describe('isStoreUnavailable', () => {
  it('names a database that is away, along the cause chain', () => {
    expect(isStoreUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isStoreUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isStoreUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isStoreUnavailable(Object.assign(new Error('x'), { code: '08006' }))).toBe(true);
    expect(isStoreUnavailable(new Error('write failed', { cause: Object.assign(new Error('y'), { code: 'ECONNRESET' }) }))).toBe(true);
  });

  it('does not excuse an error in what was written', () => {
    expect(isStoreUnavailable(Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }))).toBe(false);
    expect(isStoreUnavailable(Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' }))).toBe(false);
    expect(isStoreUnavailable(new Error('crop digest mismatch'))).toBe(false);
    expect(isStoreUnavailable(undefined)).toBe(false);
  });
});

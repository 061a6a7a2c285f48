import { describe, expect, it } from 'vitest';
import { serverSchema, ingestLimitsSchema } from './service.js';

describe('service settings', () => {
  it('trust no proxy by default, and only addresses or CIDR ranges when told', () => {
    expect(serverSchema.parse({})).toMatchObject({ trustedProxies: [], secureCookies: false });
    expect(serverSchema.parse({ trustedProxies: ['10.0.0.5', '10.0.0.0/8', '::1', 'fd00::/8'] }).trustedProxies).toHaveLength(4);
    for (const bad of [true, '10.0.0.5', ['*'], ['proxy.local'], ['10.0.0.0/33'], ['loopback']]) {
      expect(serverSchema.safeParse({ trustedProxies: bad }).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('keep /metrics off unless a token of 24+ characters or an allow-list of networks is set', () => {
    expect(serverSchema.parse({}).metrics).toEqual({ allowFrom: [] });
    expect(serverSchema.parse({ metrics: { token: 'x'.repeat(24), allowFrom: ['10.0.0.0/8', '::1'] } }).metrics.allowFrom).toHaveLength(2);
    for (const bad of [{ token: 'short' }, { token: `${'x'.repeat(24)} y` }, { allowFrom: ['prometheus.local'] }, { allowFrom: ['10.0.0.0/40'] }, { other: 1 }]) {
      expect(serverSchema.safeParse({ metrics: bad }).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('bound partner reads to 300 s ahead and 7 days old by default', () => {
    expect(ingestLimitsSchema.parse({})).toEqual({ maxFutureSkewSec: 300, maxAgeDays: 7 });
    expect(ingestLimitsSchema.safeParse({ maxFutureSkewSec: -1 }).success).toBe(false);
    expect(ingestLimitsSchema.safeParse({ maxAgeDays: 0 }).success).toBe(false);
  });
});

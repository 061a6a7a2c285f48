import { describe, expect, it } from 'vitest';
import { checkSpec, sameSpec } from './spec.js';

const raw = (extra: object = {}) => ({
  config: { id: 'c1', name: 'C1', site: 'dn', kind: 'overview', source: 'a.mp4', location: { lat: 16, lng: 108 }, analysis: { fps: 2 }, ...extra },
  site: { id: 'dn', name: 'Đà Nẵng' },
  updatedAtMs: 5,
});

describe('camera specs from the KV', () => {
  it('reads a spec through the config schema (defaults filled in)', () => {
    const r = checkSpec('c1', raw());
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.spec.config).toMatchObject({ id: 'c1', enabled: true, recording: { enabled: false } });
      expect(r.spec.site).toMatchObject({ id: 'dn', timezone: 'Asia/Ho_Chi_Minh' });
    }
  });

  it('refuses an invalid spec with every problem, and a spec under another camera\'s key', () => {
    const bad = checkSpec('c1', raw({ analysis: { fps: -1 }, kind: 'drone' }));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems.join('\n')).toMatch(/config\.kind[\s\S]*config\.analysis\.fps|config\.analysis\.fps[\s\S]*config\.kind/);
    const other = checkSpec('c2', raw());
    expect(other).toEqual({ ok: false, problems: ['config.id: "c1" is not the key "c2"'] });
    expect(checkSpec('c1', null).ok).toBe(false);
  });

  it('sees a spec written again unchanged as the same, and any edit as a change', () => {
    const a = checkSpec('c1', raw());
    const again = checkSpec('c1', { ...raw(), updatedAtMs: 99 });
    const edited = checkSpec('c1', raw({ name: 'C1 renamed' }));
    if (!a.ok || !again.ok || !edited.ok) throw new Error('specs should parse');
    expect(sameSpec(a.spec, again.spec)).toBe(true);
    expect(sameSpec(a.spec, edited.spec)).toBe(false);
  });
});

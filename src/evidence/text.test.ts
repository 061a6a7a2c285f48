import { describe, expect, it } from 'vitest';
import { canonicalJson, parseManifest } from './manifest.js';
import { fit, textWidth } from './svg.js';
import { formatMeasurement, kindLabel, localTime, xmlEscape } from './text.js';

describe('evidence text', () => {
  it.each([
    // UTC instant, zone, display, offset label, local ISO
    [Date.UTC(2026, 10, 21, 23, 21, 5, 123), 'Asia/Ho_Chi_Minh', '22/11/2026 06:21:05.123', 'GMT+7', '2026-11-22T06:21:05.123+07:00'],
    [Date.UTC(2026, 0, 1, 0, 0, 0, 7), 'UTC', '01/01/2026 00:00:00.007', 'GMT+0', '2026-01-01T00:00:00.007+00:00'],
    [Date.UTC(2026, 6, 1, 12, 0, 0, 0), 'Asia/Kolkata', '01/07/2026 17:30:00.000', 'GMT+5:30', '2026-07-01T17:30:00.000+05:30'],
    [Date.UTC(2026, 6, 1, 12, 0, 0, 0), 'America/New_York', '01/07/2026 08:00:00.000', 'GMT-4', '2026-07-01T08:00:00.000-04:00'],
  ])('writes %i in %s as %s (%s)', (ms, tz, display, offset, iso) => {
    expect(localTime(ms, tz)).toEqual({ display, offsetLabel: offset, iso });
    expect(new Date(iso).getTime()).toBe(ms);
  });

  it.each([
    ['red_light', 'Red-light running'],
    ['violation.red_light', 'Red-light running'],
    ['wrong-way', 'Wrong-way driving'],
    ['illegal_parking', 'Illegal stopping/parking'],
    ['something_new', 'something_new'],
  ])('names the violation kind %s', (kind, en) => {
    expect(kindLabel(kind).en).toBe(en);
    expect(kindLabel(kind).vi.length).toBeGreaterThan(0);
  });

  it.each([
    ['speedKmh', 78.44, '78.4 km/h'],
    ['dwellMs', 61500, '61.5 s'],
    ['distanceM', 22.5, '22.5 m'],
    ['riders', 3, '3'],
    ['lane', 'L2', 'L2'],
  ])('formats the measurement %s', (key, value, text) => {
    expect(formatMeasurement(key, value).text).toBe(text);
  });

  it('writes canonical JSON with sorted keys and no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [3, { d: 'é', c: null }], u: undefined })).toBe('{"a":[3,{"c":null,"d":"é"}],"b":1}');
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(/non-finite/);
  });

  it('accepts only canonical, well-formed manifests', () => {
    const m = { algorithm: 'sha256', createdAt: 'x', files: [{ bytes: 1, path: 'a.jpg', sha256: 'a'.repeat(64) }], format: 'argus-evidence-manifest/1', violationId: 'v' };
    expect(parseManifest(Buffer.from(canonicalJson(m)))).toBeDefined();
    expect(parseManifest(Buffer.from(JSON.stringify(m, null, 1)))).toBeUndefined();
    const escaping = { ...m, files: [{ bytes: 1, path: '../etc/passwd', sha256: 'a'.repeat(64) }] };
    expect(parseManifest(Buffer.from(canonicalJson(escaping)))).toBeUndefined();
  });

  it('escapes markup in overlay text', () => {
    expect(xmlEscape('<a & "b">')).toBe('&lt;a &amp; &quot;b&quot;&gt;');
  });

  it('shrinks, then cuts, text that does not fit', () => {
    const s = 'Quốc lộ 1A, phường Điện Ngọc, thị xã Điện Bàn';
    const w = textWidth(s, 20);
    expect(fit(s, 20, w + 1)).toEqual({ s, size: 20 });
    const shrunk = fit(s, 20, w * 0.9);
    expect(shrunk.s).toBe(s);
    expect(shrunk.size).toBeCloseTo(18, 5);
    const cut = fit(s, 20, w * 0.5);
    expect(cut.s.endsWith('…')).toBe(true);
    expect(textWidth(cut.s, cut.size)).toBeLessThanOrEqual(w * 0.5);
  });
});

import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseConfig } from '../src/config/load.js';
import { RULE_PARAM_SCHEMAS } from '../src/config/rules.js';
import { isArgusError } from '../src/core/errors.js';
import { createRuleEngine } from '../src/rules/engine.js';
import { RULES } from '../src/rules/registry.js';
import { cameraOf } from './fixtures/rules/scenario.js';

const base = {
  id: 'cam-01',
  name: 'Ngã tư',
  site: 'qnam',
  kind: 'intersection',
  source: 'rtsp://10.0.0.5/s1',
  location: { lat: 15.57, lng: 108.47 },
  lines: [{ id: 'stop', points: [[0.1, 0.6], [0.9, 0.6]] }],
  zones: [{ id: 'box', polygon: [[0.2, 0.2], [0.8, 0.2], [0.8, 0.8]] }],
  lanes: [{ id: 'moto', polygon: [[0, 0], [0.3, 0], [0.3, 1]], classes: ['motorcycle'], direction: { from: [0.1, 0.9], to: [0.1, 0.1] } }],
  signals: [{ id: 'sig', region: [[0.5, 0.05], [0.52, 0.05], [0.52, 0.12]] }],
};
const yamlOf = (cameras: unknown[], extra: Record<string, unknown> = {}) =>
  stringify({ version: 1, sites: [{ id: 'qnam', name: 'Quảng Nam' }], cameras, ...extra });

describe('rule configuration', () => {
  it('has one implementation per configured rule kind, built from the same schemas', () => {
    expect(Object.keys(RULES).sort()).toEqual(RULE_PARAM_SCHEMAS.map((s) => s.shape.kind.value).sort());
    for (const s of RULE_PARAM_SCHEMAS) expect(RULES[s.shape.kind.value].schema).toBe(s);
  });

  it('accepts every rule kind with its defaults', () => {
    const rules = [
      { id: 'r1', kind: 'red_light', stopLine: 'stop', direction: 'pos', signal: 'sig' },
      { id: 'r2', kind: 'stop_line', stopLine: 'stop', direction: 'pos', signal: 'sig' },
      { id: 'r3', kind: 'wrong_way', lanes: ['moto'] },
      { id: 'r4', kind: 'wrong_lane', lanes: ['moto'] },
      { id: 'r5', kind: 'prohibited', zone: 'box', classes: ['truck'], when: [{ from: '06:00', to: '09:00' }] },
      { id: 'r6', kind: 'zone_dwell', zone: 'box' },
      { id: 'r7', kind: 'illegal_stopping', zone: 'box' },
      { id: 'r8', kind: 'congestion', zone: 'box' },
      { id: 'r9', kind: 'crowd', zone: 'box' },
      { id: 'r10', kind: 'accident' },
      { id: 'r11', kind: 'riders' },
    ];
    const r = parseConfig(yamlOf([{ ...base, rules }]));
    expect(r.ok ? [] : r.problems).toEqual([]);
    if (!r.ok) return;
    expect(r.config.cameras[0]!.rules.map((x) => x.kind)).toEqual(rules.map((x) => x.kind));
    expect(createRuleEngine(r.config.cameras[0]!, 'Asia/Ho_Chi_Minh').size()).toBe(0);
  });

  it('reports unknown lane, zone, line and signal ids and missing calibration with their paths', () => {
    const rules = [
      { id: 'a', kind: 'red_light', stopLine: 'nope', direction: 'pos', signal: 'sig2', exemptLanes: ['moto', 'bus-lane'] },
      { id: 'b', kind: 'wrong_way', lanes: ['lane9'] },
      { id: 'c', kind: 'speeding' },
      { id: 'c', kind: 'crowd', zone: 'plaza' },
      { id: 'd', kind: 'prohibited', zone: 'box', fromZone: 'box' },
    ];
    const r = parseConfig(yamlOf([{ ...base, rules }], { sections: [{ id: 's', entry: { camera: 'cam-01', line: 'L9' }, exit: { camera: 'cam-77' }, distanceM: 900, speedLimits: { default: 60 } }] }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => `${p.path}: ${p.message}`).sort()).toEqual(
      [
        'cameras[0].rules[0].stopLine: unknown line "nope"',
        'cameras[0].rules[0].signal: unknown signal "sig2"',
        'cameras[0].rules[0].exemptLanes[1]: unknown lane "bus-lane"',
        'cameras[0].rules[1].lanes[0]: unknown lane "lane9"',
        "cameras[0].rules[2].kind: rule \"speeding\" needs the camera's `calibration`",
        "cameras[0].rules[2].kind: rule \"speeding\" needs the camera's `speedLimits`",
        'cameras[0].rules[3].id: duplicate rule id "c"',
        'cameras[0].rules[3].zone: unknown zone "plaza"',
        'cameras[0].rules[4]: give either `zone` (prohibited entry) or both `fromZone` and `toZone` (prohibited turn)',
        'sections[0].entry.line: unknown line "L9" on camera "cam-01"',
        'sections[0].exit.camera: unknown camera "cam-77"',
      ].sort(),
    );
  });

  it('refuses rules on an ANPR camera (no vehicle tracks) and plates settings other than true, false, anpr', () => {
    const r = parseConfig(yamlOf([{ ...base, plates: 'anpr', rules: [{ id: 'r10', kind: 'accident' }] }]));
    expect(r.ok ? [] : r.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'cameras[0].rules: an ANPR camera (plates: anpr) tracks no vehicles, so it cannot run rules: use plates: true, or put the rules on another camera',
    ]);
    const bad = parseConfig(yamlOf([{ ...base, plates: 'yes' }]));
    expect(bad.ok ? [] : bad.problems.map((p) => p.path)).toEqual(['cameras[0].plates']);
    const ok = parseConfig(yamlOf([{ ...base, plates: 'anpr' }, { ...base, id: 'cam-02', plates: true }]));
    expect(ok.ok ? ok.config.cameras.map((c) => c.plates) : ok.problems).toEqual(['anpr', true]);
  });

  it('rejects a calibration with fewer than 4 pairs in the schema and a degenerate one when the engine starts', () => {
    const three = { points: [{ image: [0, 0], ground: [0, 0] }, { image: [1, 0], ground: [1, 0] }, { image: [1, 1], ground: [1, 1] }] };
    const r = parseConfig(yamlOf([{ ...base, calibration: three }]));
    expect(r.ok ? [] : r.problems.map((p) => p.path)).toEqual(['cameras[0].calibration.points']);
    const line = { points: [0, 0.25, 0.5, 0.75].map((v) => ({ image: [v, v], ground: [v * 10, 0] })) };
    let err: unknown;
    try {
      createRuleEngine(cameraOf({ calibration: line }), 'UTC');
    } catch (e) {
      err = e;
    }
    expect(isArgusError(err, 'config_invalid')).toBe(true);
    expect((err as Error).message).toMatch(/camera cam: calibration: calibration is degenerate/);
  });

  it('describes every rule parameter (the text feeds the docs and forms)', () => {
    for (const schema of RULE_PARAM_SCHEMAS) {
      for (const [key, field] of Object.entries(schema.shape)) {
        if (key === 'kind') continue;
        expect(field.description, `${schema.shape.kind.value}.${key}`).toBeTruthy();
      }
    }
  });
});

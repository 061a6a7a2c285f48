import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RULE_KINDS } from '../core/kinds.js';
import { ALERT_LABELS, RULE_LABELS, VIOLATION_LABELS } from '../core/labels.js';
import { ALERT_KINDS, VIOLATION_KINDS } from '../core/violation.js';
import { RULES } from './registry.js';

/** The `violation: …` and `alert: …` kinds the rule sources of this folder can emit (string literals in those fields). */
function emittedKinds(field: 'violation' | 'alert'): Set<string> {
  const dir = dirname(fileURLToPath(import.meta.url));
  const out = new Set<string>();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'))) {
    const text = readFileSync(join(dir, f), 'utf8');
    for (const m of text.matchAll(new RegExp(`\\b${field}: ([^,\\n}]+)`, 'g'))) {
      for (const lit of m[1]!.matchAll(/'([a-z_]+)'/g)) out.add(lit[1]!);
    }
  }
  return out;
}

describe('the names of the kinds the rules report', () => {
  it('names every rule kind of the registry, in Vietnamese and English', () => {
    expect(Object.keys(RULES).sort()).toEqual([...RULE_KINDS].sort());
    for (const kind of RULE_KINDS) {
      expect(RULE_LABELS[kind].vi, kind).not.toBe('');
      expect(RULE_LABELS[kind].en, kind).not.toBe('');
    }
  });

  it('names exactly the violation kinds the rules emit: each one, and none that no rule emits', () => {
    const emitted = emittedKinds('violation');
    expect([...emitted].sort()).toEqual([...VIOLATION_KINDS].sort());
    expect(Object.keys(VIOLATION_LABELS).sort()).toEqual([...emitted].sort());
    for (const kind of VIOLATION_KINDS) {
      const l = VIOLATION_LABELS[kind];
      for (const text of [l.vi, l.en, l.legal.vi, l.legal.en]) expect(text, kind).toMatch(/\S/);
    }
  });

  it('names every alert kind the rules emit', () => {
    const emitted = emittedKinds('alert');
    expect([...emitted].sort()).toEqual([...ALERT_KINDS].sort());
    for (const kind of emitted) expect(ALERT_LABELS[kind as keyof typeof ALERT_LABELS]?.vi, kind).toMatch(/\S/);
  });
});

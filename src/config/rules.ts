import { z } from 'zod';
import type { RuleKindName } from '../core/kinds.js';
import { accidentParams } from './rules/accident.js';
import { congestionParams } from './rules/congestion.js';
import { crowdParams } from './rules/crowd.js';
import { illegalStoppingParams } from './rules/illegal-stopping.js';
import { prohibitedParams } from './rules/prohibited.js';
import { redLightParams } from './rules/red-light.js';
import { ridersParams } from './rules/riders.js';
import { speedTrapParams } from './rules/speed-trap.js';
import { speedingParams } from './rules/speeding.js';
import { stopLineParams } from './rules/stop-line.js';
import { wrongLaneParams } from './rules/wrong-lane.js';
import { wrongWayParams } from './rules/wrong-way.js';
import { zoneDwellParams } from './rules/zone-dwell.js';

/**
 * Per-camera rule parameters: a discriminated union on `kind`, one schema per rule kind. The rule
 * implementations (src/rules/<kind>.ts) import the same schemas, and src/rules/registry.ts checks at
 * compile time that every kind here has exactly one implementation.
 */
export const RULE_PARAM_SCHEMAS = [
  zoneDwellParams,
  redLightParams,
  stopLineParams,
  wrongWayParams,
  wrongLaneParams,
  prohibitedParams,
  speedingParams,
  speedTrapParams,
  illegalStoppingParams,
  congestionParams,
  crowdParams,
  accidentParams,
  ridersParams,
] as const;

export const ruleSchema = z.discriminatedUnion('kind', RULE_PARAM_SCHEMAS).describe('A rule (choose by `kind`)');
export type RuleConfig = z.infer<typeof ruleSchema>;
export type RuleKind = RuleConfig['kind'];
/** The schemas above are exactly core's RULE_KINDS (the list the API and the web know): a compile error otherwise. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const ruleKindsMatch: Same<RuleKind, RuleKindName> = true;
void ruleKindsMatch;

export type RefKind = 'zone' | 'line' | 'lane' | 'signal';

/** One id a rule refers to, with its key path inside the rule. */
export interface RuleRef {
  readonly kind: RefKind;
  readonly id: string;
  readonly path: readonly (string | number)[];
}

function refKindOf(key: string): RefKind | undefined {
  const k = key.toLowerCase();
  for (const kind of ['zone', 'line', 'lane', 'signal'] as const) if (k.endsWith(kind) || k.endsWith(`${kind}s`)) return kind;
  return undefined;
}

/** The zone/line/lane/signal ids a rule refers to (by the naming convention of config/rules/common.ts). */
export function ruleRefs(rule: RuleConfig): RuleRef[] {
  const out: RuleRef[] = [];
  for (const [key, value] of Object.entries(rule)) {
    const kind = refKindOf(key);
    if (kind === undefined) continue;
    if (typeof value === 'string') out.push({ kind, id: value, path: [key] });
    else if (Array.isArray(value)) value.forEach((v, i) => typeof v === 'string' && out.push({ kind, id: v, path: [key, i] }));
  }
  return out;
}

/** Rule kinds that need a calibrated camera (ground positions in metres). */
export const RULES_NEEDING_CALIBRATION: ReadonlySet<RuleKind> = new Set<RuleKind>(['speeding']);
/** Rule kinds that need speed limits on the camera. */
export const RULES_NEEDING_SPEED_LIMITS: ReadonlySet<RuleKind> = new Set<RuleKind>(['speeding', 'speed_trap']);

import type { RuleConfig, RuleKind } from '../config/rules.js';
import { accidentRule } from './accident.js';
import { congestionRule } from './congestion.js';
import { crowdRule } from './crowd.js';
import { illegalStoppingRule } from './illegal-stopping.js';
import { prohibitedRule } from './prohibited.js';
import { redLightRule } from './red-light.js';
import { ridersRule } from './riders.js';
import type { RuleDefinition } from './rule.js';
import { speedTrapRule } from './speed-trap.js';
import { speedingRule } from './speeding.js';
import { stopLineRule } from './stop-line.js';
import { wrongLaneRule } from './wrong-lane.js';
import { wrongWayRule } from './wrong-way.js';
import { zoneDwellRule } from './zone-dwell.js';

/**
 * THE rule registry: one line per rule kind. A new rule = its parameter schema in src/config/rules/<kind>.ts
 * (added to RULE_PARAM_SCHEMAS in src/config/rules.ts), its implementation in src/rules/<kind>.ts, and one line
 * here. The `satisfies` clause makes a missing or mistyped kind a compile error.
 */
export const RULES = {
  zone_dwell: zoneDwellRule,
  red_light: redLightRule,
  stop_line: stopLineRule,
  wrong_way: wrongWayRule,
  wrong_lane: wrongLaneRule,
  prohibited: prohibitedRule,
  speeding: speedingRule,
  speed_trap: speedTrapRule,
  illegal_stopping: illegalStoppingRule,
  congestion: congestionRule,
  crowd: crowdRule,
  accident: accidentRule,
  riders: ridersRule,
} as const satisfies { readonly [K in RuleKind]: RuleDefinition<Extract<RuleConfig, { kind: K }>, unknown> };

/** The definition of a configured rule's kind. */
export function ruleDefinition<K extends RuleKind>(kind: K): RuleDefinition<Extract<RuleConfig, { kind: K }>, unknown> {
  return RULES[kind] as RuleDefinition<Extract<RuleConfig, { kind: K }>, unknown>;
}

/**
 * Kinds named across the layers: the config validates them, the rule registry implements them, the API serves them
 * and the web shows them (through src/contract). Lists here, so that code with no zod and no config can know them.
 */

/** What a camera is for (config `cameras[].kind`). */
export const CAMERA_KINDS = ['security', 'intersection', 'gateway', 'speed', 'overview', 'face_crowd', 'shared'] as const;
export type CameraKind = (typeof CAMERA_KINDS)[number];

/**
 * Every rule kind of a camera's `rules:` (config/rules.ts checks at compile time that its schemas are exactly these,
 * and rules/registry.ts that each has one implementation).
 */
export const RULE_KINDS = [
  'zone_dwell', 'red_light', 'stop_line', 'wrong_way', 'wrong_lane', 'prohibited', 'speeding', 'speed_trap', 'illegal_stopping',
  'congestion', 'crowd', 'accident', 'riders',
] as const;
export type RuleKindName = (typeof RULE_KINDS)[number];

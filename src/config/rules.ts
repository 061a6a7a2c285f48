import { z } from 'zod';

/**
 * Per-camera rule parameters: a discriminated union on `kind`, one schema per rule, built from the rule
 * registry's schemas. (Placeholder until the rules land: no rule kinds yet.)
 */
export const ruleSchema = z.never();
export type RuleConfig = z.infer<typeof ruleSchema>;

/**
 * Alerts (REST and the live push). A watch-list hit the caller may not read in full (it needs watchlists.read and
 * plates.search) comes REDACTED: that it happened, where, when and how severe — no plate, list, pattern, note, nor
 * the message that names them (`message: ''`, `payload: {}`, `redacted: true`).
 */
import { z } from 'zod';
import { ALERT_RECORD_KINDS } from '../core/violation.js';
import { jsonValue, pageOf, severity } from './common.js';

const kind = z.enum(ALERT_RECORD_KINDS);

export const fullAlert = z.strictObject({
  id: z.string(),
  /** null: about the service, not one camera (e.g. storage). */
  cameraId: z.string().nullable(),
  atMs: z.number(),
  kind,
  severity,
  message: z.string(),
  payload: jsonValue,
  acknowledgedBy: z.string().nullable(),
  acknowledgedAtMs: z.number().nullable(),
});
export const redactedAlert = z.strictObject({
  id: z.string(),
  cameraId: z.string().nullable(),
  atMs: z.number(),
  kind,
  severity,
  message: z.literal(''),
  payload: z.strictObject({}),
  acknowledgedBy: z.string().nullable().optional(),
  acknowledgedAtMs: z.number().nullable().optional(),
  redacted: z.literal(true),
});
export const alert = z.union([fullAlert, redactedAlert]);
export type Alert = z.infer<typeof alert>;
export const alerts = pageOf(alert);

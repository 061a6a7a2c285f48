/**
 * Events (REST and the live push) and per-minute line counts. An event the caller may not read in full comes
 * REDACTED (src/server/data-class.ts): `redacted: true` and only its traffic part — never a plate, a crop, the
 * evidence, the rule's parameters or the sightings of a section. The schemas are strict, so a redacted event that
 * carried one more field fails them.
 */
import { z } from 'zod';
import { OBJECT_CLASSES } from '../core/classes.js';
import { EVENT_KINDS } from '../core/events.js';
import { VIOLATION_KINDS } from '../core/violation.js';
import { jsonValue, listOf, pageOf } from './common.js';

const box = z.strictObject({ x1: z.number(), y1: z.number(), x2: z.number(), y2: z.number() });
const measurements = z.record(z.string(), z.union([z.number(), z.string()]));

/** The traffic part of an event: what a caller without the event's data class is served, and `redacted: true`. */
export const redactedEventPayload = z.strictObject({
  id: z.string().optional(),
  cameraId: z.string().optional(),
  atMs: z.number().optional(),
  ptsSec: z.number().optional(),
  kind: z.string().optional(),
  trackId: z.number().optional(),
  cls: z.enum(OBJECT_CLASSES).optional(),
  direction: z.enum(['pos', 'neg']).optional(),
  reads: z.number().optional(),
  ruleId: z.string().optional(),
  ruleKind: z.string().optional(),
  violation: z.enum(VIOLATION_KINDS).optional(),
  box: box.optional(),
  laneId: z.string().optional(),
  zoneId: z.string().optional(),
  lineId: z.string().optional(),
  sectionId: z.string().optional(),
  measurements: measurements.optional(),
  redacted: z.literal(true),
});
export type RedactedEventPayload = z.infer<typeof redactedEventPayload>;

/** A stored event in full: its payload is the event as the camera emitted it (src/core/events.ts, JSON). */
export const fullEvent = z.strictObject({
  id: z.string(),
  cameraId: z.string(),
  atMs: z.number(),
  kind: z.enum(EVENT_KINDS),
  payload: jsonValue,
});
export const redactedEvent = z.strictObject({
  id: z.string(),
  cameraId: z.string(),
  atMs: z.number(),
  kind: z.enum(EVENT_KINDS),
  payload: redactedEventPayload,
  redacted: z.literal(true),
});
export const event = z.union([fullEvent, redactedEvent]);
export type EventRow = z.infer<typeof event>;
export const events = pageOf(event);

/** An event of the live push (`event:` lines of /api/live): the payload itself, in full or redacted. */
export type LiveEvent = RedactedEventPayload | { id: string; cameraId: string; atMs: number; kind: (typeof EVENT_KINDS)[number]; redacted?: undefined; [k: string]: unknown };

export const countRow = z.strictObject({
  cameraId: z.string(),
  lineId: z.string(),
  cls: z.string(),
  direction: z.string(),
  /** Start of the minute (ms since epoch). */
  minuteMs: z.number(),
  n: z.number(),
});
export type CountRow = z.infer<typeof countRow>;
export const counts = listOf(countRow);

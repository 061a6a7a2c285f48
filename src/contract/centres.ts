/**
 * Monitoring centres (Trung tâm giám sát): several on one installation, each a named area (districts, wards, a camera
 * group). A member's effective area is their own scope intersected with the centre's, so a centre never widens what
 * an admin gave a user. Each centre keeps named wall layouts and alert filters, shared by its members.
 */
import { z } from 'zod';
import { ALERT_RECORD_KINDS } from '../core/violation.js';
import { accessScope, listOf, severity } from './common.js';

/** How many tiles a wall layout has (a square grid). */
export const WALL_SIZES = [1, 4, 9, 16] as const;
export const wallSize = z.union(WALL_SIZES.map((n) => z.literal(n))).describe('Tiles of the grid: 1, 4, 9 or 16');

export const centre = z.strictObject({
  id: z.string(),
  name: z.string(),
  /** The centre's area: what its members may see at most. Empty lists: everywhere. */
  scope: accessScope,
  /** The users of the centre (a user belongs to at most one). */
  memberIds: z.array(z.string()),
  createdAtMs: z.number(),
  updatedAtMs: z.number(),
});
export type Centre = z.infer<typeof centre>;
export const centres = listOf(centre);

const viewName = z.string().trim().min(1).max(100).describe('The name members pick it by (saving under a name replaces that one)');
const cameraId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

/** A wall layout as saved: the grid size and the camera of each tile (null: empty). */
export const wallLayoutInput = z.strictObject({
  name: viewName,
  size: wallSize,
  tiles: z.array(cameraId.nullable()).max(16).describe('Camera id of each tile, in reading order (null: left empty); at most `size`'),
});
export type WallLayoutInput = z.infer<typeof wallLayoutInput>;

export const wallLayout = z.strictObject({
  id: z.string(),
  name: z.string(),
  size: wallSize,
  /** As long as `size`; a camera the reader may not see (or that is gone) reads as null. */
  tiles: z.array(z.string().nullable()),
  updatedBy: z.string(),
  updatedAtMs: z.number(),
});
export type WallLayout = z.infer<typeof wallLayout>;

/** An alert filter as saved: which alerts the alerts page shows (empty lists: all). */
export const alertFilterInput = z.strictObject({
  name: viewName,
  kinds: z.array(z.enum(ALERT_RECORD_KINDS)).max(ALERT_RECORD_KINDS.length).default([]),
  minSeverity: severity.default('info').describe('The lowest severity shown'),
  cameraIds: z.array(cameraId).max(200).default([]),
  districts: z.array(z.string().trim().min(1).max(200)).max(100).default([]),
});
export type AlertFilterInput = z.input<typeof alertFilterInput>;

export const alertFilter = z.strictObject({
  id: z.string(),
  name: z.string(),
  kinds: z.array(z.enum(ALERT_RECORD_KINDS)),
  minSeverity: severity,
  /** Only cameras the reader may see. */
  cameraIds: z.array(z.string()),
  districts: z.array(z.string()),
  updatedBy: z.string(),
  updatedAtMs: z.number(),
});
export type AlertFilter = z.infer<typeof alertFilter>;

/** The caller's centre (null: none), whether the caller may save its layouts and filters, and what it keeps. */
export const myCentre = z.strictObject({
  centre: z.strictObject({ id: z.string(), name: z.string(), scope: accessScope }).nullable(),
  canEdit: z.boolean(),
  layouts: z.array(wallLayout),
  filters: z.array(alertFilter),
});
export type MyCentre = z.infer<typeof myCentre>;

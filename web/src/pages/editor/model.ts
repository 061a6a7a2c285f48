/**
 * The camera set-up being edited: lines, zones, lanes, calibration points and rules in the config schema's shape
 * (src/config/schema.ts; points normalised 0–1 of the picture, [x, y] from the top left), and the pure edits the
 * canvas and the keyboard make on it. The server validates on save; its problems come back as `path: message`.
 */
export type Pt = [number, number];
export interface Line { id: string; name?: string; points: [Pt, Pt] }
export interface Zone { id: string; name?: string; polygon: Pt[] }
export type LaneDirection = { from: Pt; to: Pt } | { vector: [number, number] };
export interface Lane { id: string; name?: string; polygon: Pt[]; classes: string[]; direction: LaneDirection }
export interface CalPoint { image: Pt; ground: [number, number] }
export type Rule = { id: string; kind: string } & Record<string, unknown>;
export interface Geometry {
  lines: Line[];
  zones: Zone[];
  lanes: Lane[];
  calibration: { points: CalPoint[]; note?: string } | null;
  rules: Rule[];
  /** Licence plates: of the detected vehicles (true), the whole picture of an ANPR camera ('anpr'), or none. */
  plates: boolean | 'anpr';
  /** Where the camera looks on the ground (its cone on the map); null: unknown. */
  view: CameraView | null;
}

export type ShapeKind = 'line' | 'zone' | 'lane' | 'cal';
/** One draggable point: a vertex of a shape, a calibration point, or an end of a lane's direction arrow. */
export interface Handle { kind: ShapeKind | 'laneFrom' | 'laneTo'; index: number; point: number }

import type { CameraView } from '@contract';
import { VEHICLE_CLASSES } from '@contract/labels';

/** The vehicle classes and rule kinds the config schema knows (src/core, through the contract). */
export { RULE_KINDS, VEHICLE_CLASSES } from '@contract/labels';

const r4 = (v: number): number => Math.round(v * 10_000) / 10_000;
export const clampPt = (p: Pt): Pt => [r4(Math.min(1, Math.max(0, p[0]))), r4(Math.min(1, Math.max(0, p[1])))];

export function newId(prefix: string, taken: ReadonlyArray<{ id: string }>): string {
  const ids = new Set(taken.map((t) => t.id));
  for (let i = 1; ; i++) if (!ids.has(`${prefix}-${i}`)) return `${prefix}-${i}`;
}

const centroid = (pts: readonly Pt[]): Pt => clampPt([pts.reduce((s, p) => s + p[0], 0) / pts.length, pts.reduce((s, p) => s + p[1], 0) / pts.length]);

/** A new lane: all vehicle classes, travelling from its first point towards its middle (drag the arrow to fix). */
export function newLane(id: string, polygon: Pt[]): Lane {
  return { id, polygon, classes: [...VEHICLE_CLASSES], direction: { from: polygon[0] ?? [0, 0], to: centroid(polygon) } };
}

/** The picture point of a handle, or undefined when it no longer exists. */
export function handlePoint(g: Geometry, h: Handle): Pt | undefined {
  switch (h.kind) {
    case 'line': return g.lines[h.index]?.points[h.point];
    case 'zone': return g.zones[h.index]?.polygon[h.point];
    case 'lane': return g.lanes[h.index]?.polygon[h.point];
    case 'cal': return g.calibration?.points[h.index]?.image;
    case 'laneFrom':
    case 'laneTo': {
      const d = g.lanes[h.index]?.direction;
      return d && 'from' in d ? (h.kind === 'laneFrom' ? d.from : d.to) : undefined;
    }
  }
}

const replaceAt = <T,>(list: readonly T[], i: number, f: (x: T) => T): T[] => list.map((x, j) => (j === i ? f(x) : x));

/** The geometry with the handle's point at `p` (clamped to the picture). */
export function movePoint(g: Geometry, h: Handle, p: Pt): Geometry {
  const q = clampPt(p);
  switch (h.kind) {
    case 'line': return { ...g, lines: replaceAt(g.lines, h.index, (l) => ({ ...l, points: replaceAt(l.points, h.point, () => q) as [Pt, Pt] })) };
    case 'zone': return { ...g, zones: replaceAt(g.zones, h.index, (z) => ({ ...z, polygon: replaceAt(z.polygon, h.point, () => q) })) };
    case 'lane': return { ...g, lanes: replaceAt(g.lanes, h.index, (l) => ({ ...l, polygon: replaceAt(l.polygon, h.point, () => q) })) };
    case 'cal': return g.calibration ? { ...g, calibration: { ...g.calibration, points: replaceAt(g.calibration.points, h.index, (c) => ({ ...c, image: q })) } } : g;
    case 'laneFrom':
    case 'laneTo':
      return {
        ...g,
        lanes: replaceAt(g.lanes, h.index, (l) => {
          const d = 'from' in l.direction ? l.direction : { from: l.polygon[0] ?? q, to: centroid(l.polygon) };
          return { ...l, direction: h.kind === 'laneFrom' ? { ...d, from: q } : { ...d, to: q } };
        }),
      };
  }
}

export function nudge(g: Geometry, h: Handle, dx: number, dy: number): Geometry {
  const p = handlePoint(g, h);
  return p ? movePoint(g, h, [p[0] + dx, p[1] + dy]) : g;
}

/**
 * Removes the handle's point. A line that loses a point, a polygon left with fewer than 3, or a calibration
 * point goes as a whole; an arrow end is not removable (a lane needs a direction).
 */
export function deletePoint(g: Geometry, h: Handle): Geometry {
  const drop = <T,>(list: readonly T[], i: number): T[] => list.filter((_, j) => j !== i);
  switch (h.kind) {
    case 'line': return { ...g, lines: drop(g.lines, h.index) };
    case 'zone': {
      const z = g.zones[h.index];
      if (!z || z.polygon.length <= 3) return { ...g, zones: drop(g.zones, h.index) };
      return { ...g, zones: replaceAt(g.zones, h.index, (x) => ({ ...x, polygon: drop(x.polygon, h.point) })) };
    }
    case 'lane': {
      const l = g.lanes[h.index];
      if (!l || l.polygon.length <= 3) return { ...g, lanes: drop(g.lanes, h.index) };
      return { ...g, lanes: replaceAt(g.lanes, h.index, (x) => ({ ...x, polygon: drop(x.polygon, h.point) })) };
    }
    case 'cal': {
      const pts = drop(g.calibration?.points ?? [], h.index);
      return { ...g, calibration: pts.length > 0 ? { ...g.calibration, points: pts } : null };
    }
    default: return g;
  }
}

/** The body of PATCH /api/cameras/:id. */
export function patchBody(g: Geometry): Record<string, unknown> {
  return { lines: g.lines, zones: g.zones, lanes: g.lanes, calibration: g.calibration && g.calibration.points.length > 0 ? g.calibration : null, rules: g.rules, plates: g.plates, view: g.view };
}

export interface Problem { path: string; message: string }

/** The server's `path: message; …` (400 invalid_request) as a list, paths relative to the camera (`lines.0.points`). */
export function parseProblems(message: string): Problem[] {
  return message.split('; ').map((part) => {
    const at = part.indexOf(': ');
    if (at < 0) return { path: '', message: part };
    return { path: part.slice(0, at).replace(/^body\.?/, ''), message: part.slice(at + 2) };
  });
}

/** Problems at `prefix` or below it (`lines.0` matches `lines.0.points.1.0`, not `lines.01`). */
export function problemsAt(problems: readonly Problem[], prefix: string): Problem[] {
  return problems.filter((p) => p.path === prefix || p.path.startsWith(`${prefix}.`));
}

/** A new rule of `kind` naming the first zone/line/lane the camera has; the server adds the defaults on save. */
export function ruleTemplate(kind: string, g: Geometry): Rule {
  const id = newId(kind.replace(/_/g, '-'), g.rules);
  const zone = g.zones[0]?.id ?? 'zone-1';
  const line = g.lines[0]?.id ?? 'line-1';
  const lanes = g.lanes.length > 0 ? g.lanes.map((l) => l.id) : ['lane-1'];
  switch (kind) {
    case 'red_light':
    case 'stop_line': return { id, kind, stopLine: line, direction: 'pos', signal: 'signal-1' };
    case 'wrong_way':
    case 'wrong_lane': return { id, kind, lanes };
    case 'speed_trap': return { id, kind, firstLine: line, secondLine: g.lines[1]?.id ?? line, distanceM: 20 };
    case 'zone_dwell':
    case 'congestion':
    case 'crowd':
    case 'illegal_stopping':
    case 'prohibited': return { id, kind, zone };
    default: return { id, kind };
  }
}

/** Which list of ids a rule parameter refers to (the config's naming convention: `zone`, `stopLine`, `lanes`, …). */
export function refKind(key: string): 'zone' | 'line' | 'lane' | 'signal' | undefined {
  const k = key.toLowerCase();
  for (const kind of ['zone', 'line', 'lane', 'signal'] as const) if (k.endsWith(kind) || k.endsWith(`${kind}s`)) return kind;
  return undefined;
}

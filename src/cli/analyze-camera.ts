/**
 * `argus analyze`'s flags as a camera config: the command runs the same chain as the service, so what its flags
 * ask for (a source, counting lines in source pixels, --fps, --width, --tiles, --model, --plates, --anpr…) is
 * written into the camera config (the one given with --config/--camera, or a bare one) and validated by the same
 * schema. Pure.
 */
import { cameraSchema, type CameraConfig, type LineConfig } from '../config/schema.js';
import { ArgusError } from '../core/errors.js';
import { px, type FrameSize } from '../core/geometry.js';
import type { CountLine } from '../rules/line-counter.js';

/** `x1,y1,x2,y2` in source pixels → a counting line. */
export function parseLineArg(text: string, index: number): CountLine {
  const parts = text.split(',').map((p) => Number(p.trim()));
  if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n))) {
    throw new ArgusError('invalid_argument', `--line "${text}": expected four numbers x1,y1,x2,y2 (source pixels)`);
  }
  const [x1, y1, x2, y2] = parts as [number, number, number, number];
  if (x1 === x2 && y1 === y2) throw new ArgusError('invalid_argument', `--line "${text}": the two points are the same`);
  return { id: `L${index + 1}`, a: px(x1, y1), b: px(x2, y2) };
}

/** A --line in source pixels as a config line (normalised to the picture); a line outside the picture is an error. */
export function lineConfigOf(line: CountLine, size: FrameSize): LineConfig {
  const inside = [line.a, line.b].every((p) => p.x >= 0 && p.y >= 0 && p.x <= size.width && p.y <= size.height);
  if (!inside) {
    throw new ArgusError('invalid_argument', `--line ${line.a.x},${line.a.y},${line.b.x},${line.b.y}: outside the ${size.width}×${size.height} picture`);
  }
  return { id: line.id, points: [[line.a.x / size.width, line.a.y / size.height], [line.b.x / size.width, line.b.y / size.height]] };
}

export interface AnalyzeFlags {
  readonly fps?: number | undefined;
  readonly width?: number | undefined;
  readonly tiles?: number | undefined;
  readonly minScore?: number | undefined;
  readonly model?: string | undefined;
  readonly noMotion?: boolean | undefined;
  readonly plates?: boolean | undefined;
  readonly anpr?: boolean | undefined;
  /** --line, in source pixels (ids L1, L2, … before the camera's own lines). */
  readonly lines: readonly CountLine[];
}

/** A camera of its own for a bare source (no --config): its events carry camera id `cli`. */
const BARE = { id: 'cli', name: 'argus analyze', site: 'cli', kind: 'overview', location: { lat: 0, lng: 0 } } as const;

/** The camera `argus analyze` runs: the configured one (or a bare one) with the flags written in. */
export function cameraForAnalyze(source: string, flags: AnalyzeFlags, base: CameraConfig | undefined, sourceSize: FrameSize): CameraConfig {
  const a = base?.analysis;
  // --model, --tiles and --min-score choose (or tune) the ONNX detector of the registry.
  const detectorFlags = {
    ...(flags.tiles !== undefined ? { tiles: flags.tiles } : {}),
    ...(flags.minScore !== undefined ? { minScore: flags.minScore } : {}),
    ...(flags.model !== undefined ? { model: flags.model } : {}),
  };
  const detector = Object.keys(detectorFlags).length === 0 ? a?.detector : { ...(a?.detector.kind === 'onnx' ? a.detector : {}), kind: 'onnx', ...detectorFlags };
  const analysis = {
    ...a,
    ...(flags.fps !== undefined ? { fps: flags.fps } : {}),
    // A width given on the command line keeps the source's aspect (the config's height no longer applies).
    ...(flags.width !== undefined ? { width: flags.width, height: undefined } : {}),
    ...(detector ? { detector } : {}),
    ...(flags.noMotion ? { motion: { ...a?.motion, enabled: false } } : {}),
  };
  const plates = flags.anpr ? 'anpr' : flags.plates === true;
  const raw = {
    ...(base ?? BARE),
    source,
    enabled: true,
    analysis,
    lines: [...flags.lines.map((l) => lineConfigOf(l, sourceSize)), ...(base?.lines ?? [])],
    plates,
    // An ANPR camera tracks no vehicles: the camera's rules do not run with --anpr.
    rules: plates === 'anpr' ? [] : (base?.rules ?? []),
  };
  const parsed = cameraSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ArgusError('invalid_argument', `the camera to analyse is not valid: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`);
  }
  return parsed.data;
}

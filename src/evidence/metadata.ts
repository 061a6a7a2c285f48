import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NoticeText } from './render.js';
import { classLabel, formatMeasurement, kindLabel, localTime, type ViEn } from './text.js';
import { ArgusError } from '../core/errors.js';
import type { EvidenceFrame, EvidenceViolation, LightState, WriteEvidenceInput } from './types.js';

export const METADATA_FORMAT = 'argus-evidence/1';

let cachedVersion: string | undefined;

/** `argus@<version>` from the nearest package.json named argus above this module ('argus@unknown' if none). */
export async function softwareVersion(): Promise<string> {
  if (cachedVersion) return cachedVersion;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const pkg = await readFile(join(dir, 'package.json'), 'utf8').then(
      (s) => JSON.parse(s) as { name?: string; version?: string },
      () => undefined,
    );
    if (pkg?.name === 'argus' && pkg.version) return (cachedVersion = `argus@${pkg.version}`);
    dir = dirname(dir);
  }
  return (cachedVersion = 'argus@unknown');
}

export type MeasurementValue = number | string | boolean;

/** The violation with its optional shapes resolved (kind, rule, measurements). */
export interface ViolationFacts {
  readonly id: string;
  readonly kind: string;
  readonly rule: { readonly id: string; readonly kind?: string | undefined; readonly params: unknown };
  readonly measurements: Readonly<Record<string, MeasurementValue>>;
}

/** Resolves the kind (`violation` over `kind: 'violation'`), the rule and the printable measurements. */
export function violationFacts(v: EvidenceViolation): ViolationFacts {
  const id = v.ruleId ?? v.rule?.id;
  if (!id) throw new ArgusError('invalid_argument', `violation ${v.id} names no rule (ruleId or rule.id)`);
  const measurements: Record<string, MeasurementValue> = {};
  for (const [k, val] of Object.entries(v.measurements as Record<string, unknown>)) {
    if (typeof val === 'string' || typeof val === 'boolean' || (typeof val === 'number' && Number.isFinite(val))) measurements[k] = val;
  }
  return {
    id: v.id,
    kind: v.violation ?? v.kind,
    rule: { id, kind: v.ruleKind, params: v.params ?? v.rule?.params ?? {} },
    measurements,
  };
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const LIGHTS: readonly string[] = ['red', 'amber', 'green', 'off', 'unknown'];

/** Speed and limit to print: the scene's, else the measurements' (`speedKmh`, `limitKmh`/`speedLimitKmh`). */
export function speedAndLimit(input: WriteEvidenceInput, f: ViolationFacts): { speedKmh?: number; limitKmh?: number } {
  const m = f.measurements;
  const speedKmh = input.scene?.speedKmh ?? num(m.speedKmh) ?? num(m.avgSpeedKmh) ?? num(m.meanSpeedKmh);
  const limitKmh = input.scene?.limitKmh ?? num(m.limitKmh) ?? num(m.speedLimitKmh);
  return { ...(speedKmh === undefined ? {} : { speedKmh }), ...(limitKmh === undefined ? {} : { limitKmh }) };
}

/** The signal state to show: the scene's, else `measurements.signal`. */
export function lightOf(input: WriteEvidenceInput, f: ViolationFacts): LightState | undefined {
  const s = f.measurements.signal;
  return input.scene?.light ?? (typeof s === 'string' && LIGHTS.includes(s) ? (s as LightState) : undefined);
}

/** The place line printed on the pictures: address and camera name. */
export function placeLine(input: WriteEvidenceInput): string {
  const p = input.place;
  return [p.address, p.cameraName].filter((s): s is string => !!s).join(' — ');
}

export const vehicleLabel = (v: EvidenceViolation): ViEn => (v.cls ? classLabel(v.cls) : { vi: 'Phương tiện', en: 'vehicle' });

/** Everything the pictures print, worded. */
export function noticeText(input: WriteEvidenceInput, f: ViolationFacts, timezone: string): NoticeText {
  const v = input.violation;
  const lt = localTime(v.atMs, timezone);
  const shown = new Set(['speedKmh', 'avgSpeedKmh', 'meanSpeedKmh', 'limitKmh', 'speedLimitKmh', 'signal']);
  const { speedKmh, limitKmh } = speedAndLimit(input, f);
  const measurements = [
    ...(speedKmh === undefined ? [] : [formatMeasurement('speedKmh', speedKmh)]),
    ...(limitKmh === undefined ? [] : [formatMeasurement('limitKmh', limitKmh)]),
    ...Object.entries(f.measurements)
      .filter(([k]) => !shown.has(k))
      .map(([k, val]) => formatMeasurement(k, val)),
  ];
  return {
    violationId: v.id,
    violation: input.label ?? kindLabel(f.kind),
    plate: v.plate,
    vehicle: vehicleLabel(v),
    trackId: v.trackId,
    time: `${lt.display} (${lt.offsetLabel})`,
    place: placeLine(input),
    authority: input.place.siteName,
    light: lightOf(input, f),
    speedKmh,
    limitKmh,
    measurements,
    keyId: input.signer.keyId,
  };
}

function frameInfo(f: EvidenceFrame, file: string, timezone: string) {
  return {
    file,
    capturedAtUtc: new Date(f.capturedAtMs).toISOString(),
    capturedAtLocal: localTime(f.capturedAtMs, timezone).iso,
    width: f.width,
    height: f.height,
    vehicleBox: f.vehicleBox ?? null,
  };
}

export interface MetadataExtras {
  readonly timezone: string;
  readonly createdAt: string;
  /** The evidence media files (stills, close-up, composite, clip). */
  readonly files: readonly string[];
  readonly clip: { readonly file: string; readonly durationSec: number } | undefined;
  readonly software: string;
}

/** metadata.json: rule, parameters, measurements, camera, location, versions, times, files. */
export function buildMetadata(input: WriteEvidenceInput, f: ViolationFacts, x: MetadataExtras) {
  const v = input.violation;
  const p = input.place;
  const [approach, moment, after, plate, composite] = x.files;
  return {
    format: METADATA_FORMAT,
    violation: {
      id: v.id,
      kind: f.kind,
      label: input.label ?? kindLabel(f.kind),
      plate: v.plate ?? null,
      class: v.cls ?? null,
      classLabel: vehicleLabel(v),
      trackId: v.trackId ?? null,
      box: v.box ?? null,
      laneId: v.laneId ?? null,
      zoneId: v.zoneId ?? null,
      lineId: v.lineId ?? null,
      measurements: f.measurements,
    },
    rule: { id: f.rule.id, kind: f.rule.kind ?? f.kind, params: f.rule.params },
    time: { utc: new Date(v.atMs).toISOString(), local: localTime(v.atMs, x.timezone).iso, timezone: x.timezone, epochMs: v.atMs },
    camera: { id: v.cameraId, name: p.cameraName },
    location: { site: p.siteName ?? null, address: p.address ?? null, lat: p.lat ?? null, lng: p.lng ?? null },
    scene: { ...(input.scene ?? {}), ...speedAndLimit(input, f), light: lightOf(input, f) ?? null, boxSpace: input.boxSpace ?? null },
    frames: {
      approach: frameInfo(input.frames.approach, approach ?? '', x.timezone),
      moment: frameInfo(input.frames.moment, moment ?? '', x.timezone),
      after: frameInfo(input.frames.after, after ?? '', x.timezone),
    },
    plateCloseUp: { file: plate ?? '', source: input.plateCrop ? 'crop' : input.plateBox ? 'plate_box' : 'vehicle_box' },
    composite: composite ?? '',
    clip: x.clip ?? null,
    versions: { calibration: input.versions?.calibration ?? null, models: input.versions?.models ?? {}, software: x.software },
    signing: { algorithm: 'Ed25519', keyId: input.signer.keyId },
    createdAt: x.createdAt,
    files: x.files,
  };
}

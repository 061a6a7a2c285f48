import type { KeyObject } from 'node:crypto';
import type { Box } from '../core/box.js';
import type { ObjectClass } from '../core/classes.js';
import type { TrackId } from '../core/track.js';

/**
 * The violation as the evidence writer needs it. Structurally compatible with the rules' `ViolationEvent`
 * (src/core/violation.ts): pass the event itself.
 */
export interface EvidenceViolation {
  /** Stable id; becomes the evidence directory name (letters, digits, `_`, `-`, `.`). */
  readonly id: string;
  /** Violation kind, e.g. `red_light`. A ViolationEvent has `kind: 'violation'` and the kind in `violation`. */
  readonly kind: string;
  readonly violation?: string | undefined;
  /** Moment of the violation, ms since epoch (UTC). */
  readonly atMs: number;
  readonly cameraId: string;
  readonly trackId?: TrackId | undefined;
  readonly cls?: ObjectClass | undefined;
  /** Box of the offending vehicle at `atMs` (boxSpace pixels): the moment still's box when the frame has none. */
  readonly box?: Box | undefined;
  /** Plate text when read (Vietnamese display form, e.g. `30A-123.45`). */
  readonly plate?: string | undefined;
  /** What the rule measured, units in the keys (`speedKmh`, `dwellMs`); `signal` is the light colour. */
  readonly measurements: object;
  /** The rule that fired: `ruleId` + `params`, or `rule: { id, params }` (one of the two is required). */
  readonly ruleId?: string | undefined;
  readonly ruleKind?: string | undefined;
  /** The rule's parameters as configured (any JSON). */
  readonly params?: unknown;
  readonly rule?: { readonly id: string; readonly params?: unknown } | undefined;
  /** Lane, zone or line involved (recorded in the metadata). */
  readonly laneId?: string | undefined;
  readonly zoneId?: string | undefined;
  readonly lineId?: string | undefined;
}

/** An RGB24 picture (row-major, 3 bytes per pixel, no padding). */
export interface RgbImage {
  readonly rgb: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** One of the three stills: a decoded frame and the vehicle box on it. */
export interface EvidenceFrame extends RgbImage {
  /** Capture time of this frame, ms since epoch (UTC). */
  readonly capturedAtMs: number;
  /** The violating vehicle's box, in `boxSpace` pixels (default: this frame's pixels). */
  readonly vehicleBox?: Box | undefined;
}

/** Normalised [x, y] point (0–1 of the picture), as in the site configuration. */
export type NormXY = readonly [number, number];

export type LightState = 'red' | 'amber' | 'green' | 'off' | 'unknown';

/** What is drawn over the stills besides the vehicle box. */
export interface EvidenceScene {
  /** Lines involved (stop line, counting line), normalised. */
  readonly lines?: readonly { readonly label?: string; readonly points: readonly [NormXY, NormXY] }[];
  /** Lane or zone polygons involved, normalised. */
  readonly polygons?: readonly { readonly label?: string; readonly points: readonly NormXY[] }[];
  /** Signal state at the moment (red-light rules); default: `measurements.signal`. */
  readonly light?: LightState | undefined;
  /** Measured speed and limit (speed rules); default: `measurements.speedKmh` / `limitKmh`. */
  readonly speedKmh?: number | undefined;
  readonly limitKmh?: number | undefined;
}

/** Where and what: printed on the pictures and stored in the metadata. */
export interface EvidencePlace {
  readonly cameraName: string;
  readonly siteName?: string | undefined;
  /** Street address or intersection name, Vietnamese. */
  readonly address?: string | undefined;
  readonly lat?: number | undefined;
  readonly lng?: number | undefined;
  /** IANA time zone for display (default Asia/Ho_Chi_Minh). Times are stored in UTC. */
  readonly timezone?: string | undefined;
}

/** Versions that make the result reproducible. */
export interface EvidenceVersions {
  /** Calibration id/version of the camera (homography, lanes). */
  readonly calibration?: string | undefined;
  /** Model name → version or sha256 (detector, plate reader…). */
  readonly models?: Readonly<Record<string, string>> | undefined;
  /** Argus version; default: the package version. */
  readonly software?: string | undefined;
}

export interface EvidenceSigner {
  readonly privateKey: KeyObject;
  readonly keyId: string;
}

export interface WriteEvidenceInput {
  /** Parent directory; the evidence goes to `dir/<violation.id>/`. */
  readonly dir: string;
  readonly violation: EvidenceViolation;
  readonly frames: { readonly approach: EvidenceFrame; readonly moment: EvidenceFrame; readonly after: EvidenceFrame };
  /** Pixel size the boxes are expressed in (e.g. the source size) when it differs from the frames' size. */
  readonly boxSpace?: { readonly width: number; readonly height: number } | undefined;
  /** Plate close-up: an RGB crop, or a box on the moment frame (in `boxSpace` pixels). Default: the vehicle box. */
  readonly plateCrop?: RgbImage | undefined;
  readonly plateBox?: Box | undefined;
  /** An already cut clip (≥ 5 s around the moment, see `cutClip`); copied in. */
  readonly clipPath?: string | undefined;
  readonly scene?: EvidenceScene | undefined;
  readonly place: EvidencePlace;
  readonly versions?: EvidenceVersions | undefined;
  /** Override of the printed violation name. */
  readonly label?: { readonly vi: string; readonly en: string } | undefined;
  readonly signer: EvidenceSigner;
  /** Minimum clip length in seconds (default 5). */
  readonly minClipSec?: number | undefined;
}

/**
 * What the writer returns: where the evidence lies and what it holds. Assignable to the core
 * `EvidenceRef` ({ uri, manifestSha256 }) that a ViolationEvent carries.
 */
export interface WrittenEvidence {
  /** Absolute path of the evidence directory (same as `dir`). */
  readonly uri: string;
  readonly violationId: string;
  /** Absolute path of the evidence directory. */
  readonly dir: string;
  /** File names inside `dir` (manifest.json and manifest.sig included). */
  readonly files: readonly string[];
  /** SHA-256 (hex) of manifest.json: a short handle that pins the whole evidence set. */
  readonly manifestSha256: string;
  readonly keyId: string;
}

export type EvidenceProblemKind = 'modified' | 'missing' | 'unexpected' | 'bad_signature';

export interface EvidenceProblem {
  /** Path relative to the directory verified. */
  readonly file: string;
  readonly problem: EvidenceProblemKind;
}

export interface VerifyResult {
  readonly ok: boolean;
  readonly problems: readonly EvidenceProblem[];
  /** Key id named in manifest.sig (when readable). */
  readonly keyId?: string | undefined;
  /** True when the signature was checked against a key the caller supplied (not the embedded one). */
  readonly keyTrusted: boolean;
}

import { join } from 'node:path';
import type { CameraConfig, SiteConfig } from '../config/schema.js';
import { ArgusError } from '../core/errors.js';
import { loadOrCreateKeyPair } from '../evidence/keys.js';
import type { EvidenceVersions } from '../evidence/types.js';
import { createTrackLogWriter, toReplayLine, type TrackLogWriter } from '../rules/replay.js';
import type { FrameStage } from './analysis.js';
import { createEvidenceStage, type EvidenceStage, type EvidenceStageOptions } from './evidence-stage.js';
import { createRulesStage, type RulesStage } from './rules-stage.js';

export interface CameraStagesOptions {
  readonly camera?: CameraConfig | undefined;
  readonly site?: SiteConfig | undefined;
  /** `--record-tracks`: write every analysed frame's tracks here (JSON Lines, see src/rules/replay.ts). */
  readonly recordFile?: string | undefined;
  /** `--plates`: the plate stage (runs first, so the rules put its plates on violations). */
  readonly plates?: FrameStage | undefined;
  /** Faces on person tracks (before the rules: nothing of the rules depends on them). */
  readonly faces?: FrameStage | undefined;
  readonly evidence?:
    | {
        readonly dir: string;
        /** Directory of the Ed25519 key (created when absent). Default `<dir>/.keys`. */
        readonly keyDir?: string | undefined;
        readonly sourceFile?: string | undefined;
        readonly sourceDurationSec?: number | undefined;
        readonly versions?: EvidenceVersions | undefined;
        readonly onProblem?: EvidenceStageOptions['onProblem'];
      }
    | undefined;
}

export interface CameraStages {
  readonly stages: readonly FrameStage[];
  readonly rules?: RulesStage | undefined;
  readonly evidence?: EvidenceStage | undefined;
  /** Flushes and closes the track log. */
  close(): Promise<void>;
}

/** Records the tracks of every analysed frame when no camera rules run (no signal observations then). */
export function createRecordStage(log: TrackLogWriter): FrameStage {
  return {
    name: 'record',
    async step(r) {
      await log.write(toReplayLine(r.frame, r.tracks, r.ended));
      return [];
    },
  };
}

/** The stages after tracking for one camera, as the command line asks: rules, evidence, track recording. */
export async function createCameraStages(o: CameraStagesOptions): Promise<CameraStages> {
  if (o.evidence && !o.camera) throw new ArgusError('invalid_argument', '--evidence needs the camera rules: give --config FILE --camera ID');
  const log = o.recordFile === undefined ? undefined : createTrackLogWriter(o.recordFile);
  let evidence: EvidenceStage | undefined;
  if (o.evidence && o.camera) {
    const e = o.evidence;
    const keys = await loadOrCreateKeyPair(e.keyDir ?? join(e.dir, '.keys'));
    evidence = createEvidenceStage({
      dir: e.dir,
      camera: o.camera,
      site: o.site ? { name: o.site.name, timezone: o.site.timezone } : undefined,
      signer: { privateKey: keys.privateKey, keyId: keys.keyId },
      versions: e.versions,
      sourceFile: e.sourceFile,
      sourceDurationSec: e.sourceDurationSec,
      ...(e.onProblem ? { onProblem: e.onProblem } : {}),
    });
  }
  const ev = evidence;
  const rules = o.camera
    ? createRulesStage({
        camera: o.camera,
        siteTz: o.site?.timezone ?? 'Asia/Ho_Chi_Minh',
        ...(log ? { record: (line) => log.write(line) } : {}),
        ...(ev ? { holdViolation: (v) => ev.hold(v) } : {}),
      })
    : undefined;
  const stages: FrameStage[] = [];
  if (o.plates) stages.push(o.plates);
  if (o.faces) stages.push(o.faces);
  if (rules) stages.push(rules);
  else if (log) stages.push(createRecordStage(log));
  if (evidence) stages.push(evidence);
  return { stages, rules, evidence, close: async () => log?.close() };
}

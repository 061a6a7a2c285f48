/**
 * Violations whose evidence could not be written (a full or failing disk: `evidence_failed`, critical) or had to be
 * dropped (more violations at once than the writer keeps up with: `evidence_dropped`, warning) raise an alert, so an
 * operator learns it while it happens and not from a missing package months later. At most one alert per camera,
 * kind and `everyMs` (a full disk fails every violation); the next one counts those held back.
 * Every problem is logged. The service binds its ingest and logger once they exist (the camera stages are built
 * first); a problem before that is only counted into the next alert.
 */
import { errorMessage } from '../core/errors.js';
import type { ViolationEvent } from '../core/violation.js';
import type { EvidenceProblemKind } from '../pipeline/evidence-stage.js';
import type { Ingest } from './ingest.js';

export interface EvidenceAlertLogger {
  error(obj: object, msg: string): void;
}

export class EvidenceAlerts {
  private out: { ingest: Pick<Ingest, 'raiseAlert'>; log: EvidenceAlertLogger } | undefined;
  private readonly last = new Map<string, { atMs: number; held: number }>();

  constructor(private readonly everyMs = 10 * 60_000) {}

  /** The service's ingest and logger, once they exist. */
  bind(ingest: Pick<Ingest, 'raiseAlert'>, log: EvidenceAlertLogger): void {
    this.out = { ingest, log };
  }

  problem(camera: { readonly id: string; readonly name: string }, v: ViolationEvent, problem: string, kind: EvidenceProblemKind, nowMs = Date.now()): void {
    const key = `${camera.id}\n${kind}`;
    const last = this.last.get(key);
    if (!this.out || (last && nowMs - last.atMs < this.everyMs)) {
      if (last) last.held++;
      else this.last.set(key, { atMs: Number.NEGATIVE_INFINITY, held: 1 });
      this.out?.log.error({ cameraId: camera.id, violationId: v.id, problem }, 'violation evidence not written');
      return;
    }
    const { ingest, log } = this.out;
    log.error({ cameraId: camera.id, violationId: v.id, problem }, 'violation evidence not written');
    this.last.set(key, { atMs: nowMs, held: 0 });
    const held = last?.held ?? 0;
    void ingest
      .raiseAlert({
        cameraId: camera.id, atMs: nowMs, kind: `evidence_${kind}`, severity: kind === 'failed' ? 'critical' : 'warning',
        message: `${camera.name}: evidence of a ${v.violation} violation ${kind === 'failed' ? 'not written' : 'dropped'} (${problem})${held > 0 ? `; ${held} more since the last alert` : ''}`,
        payload: { violationId: v.id, violation: v.violation, problem, heldBack: held },
      })
      .catch((e: unknown) => log.error({ cameraId: camera.id, err: errorMessage(e) }, 'cannot store the evidence alert'));
  }
}

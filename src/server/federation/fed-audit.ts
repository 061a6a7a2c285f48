/**
 * What crossed, in the audit log, batched: one row per period with the counts and ranges (outbox seqs, event times,
 * cameras), not one row per event. `fed.sent` at the district, `fed.received` at the province.
 */
import type { JsonValue, Store } from '../../store/store.js';

interface Tally { count: number; firstSeq: number; lastSeq: number; fromAtMs: number; toAtMs: number; cameras: Map<string, number> }

export class CrossingAudit {
  private tallies = new Map<string, Tally>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Pick<Store, 'appendAudit'>,
    private readonly action: 'fed.sent' | 'fed.received',
    private readonly onError: (err: unknown) => void,
    private readonly everyMs = 10_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush().catch(this.onError), this.everyMs);
    this.timer.unref();
  }

  /** One event crossed (`target`: the district at the province, the province side's id at the district). */
  note(target: string, seq: number, cameraId: string, atMs: number): void {
    let t = this.tallies.get(target);
    if (!t) {
      t = { count: 0, firstSeq: seq, lastSeq: seq, fromAtMs: atMs, toAtMs: atMs, cameras: new Map() };
      this.tallies.set(target, t);
    }
    t.count++;
    t.firstSeq = Math.min(t.firstSeq, seq);
    t.lastSeq = Math.max(t.lastSeq, seq);
    t.fromAtMs = Math.min(t.fromAtMs, atMs);
    t.toAtMs = Math.max(t.toAtMs, atMs);
    t.cameras.set(cameraId, (t.cameras.get(cameraId) ?? 0) + 1);
  }

  /** Writes one row per target of what is tallied, and starts again. */
  async flush(): Promise<void> {
    const tallies = this.tallies;
    this.tallies = new Map();
    for (const [target, t] of tallies) {
      const details: JsonValue = {
        count: t.count, firstSeq: t.firstSeq, lastSeq: t.lastSeq, fromAtMs: t.fromAtMs, toAtMs: t.toAtMs,
        cameras: Object.fromEntries([...t.cameras].slice(0, 500)),
      };
      await this.store.appendAudit({ atMs: Date.now(), actor: 'system:federation', action: this.action, target, details });
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }
}

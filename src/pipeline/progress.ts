/** A one-line progress display on a terminal (stderr); silent when stderr is not a TTY. */
export class Progress {
  private lastDraw = 0;
  private readonly started = performance.now();
  constructor(
    private readonly label: string,
    private readonly totalSec: number | undefined,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  get enabled(): boolean {
    return this.out.isTTY === true;
  }

  update(frames: number, ptsSec: number, extra = ''): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.lastDraw < 200) return;
    this.lastDraw = now;
    const wall = (now - this.started) / 1000;
    const fps = frames / Math.max(wall, 1e-6);
    const pct = this.totalSec ? ` ${Math.min(100, (100 * ptsSec) / this.totalSec).toFixed(0).padStart(3)}%` : '';
    const eta = this.totalSec && ptsSec > 0 ? ` eta ${Math.max(0, ((this.totalSec - ptsSec) * wall) / ptsSec).toFixed(0)}s` : '';
    this.out.write(`\r\x1b[K${this.label}${pct} ${frames} frames ${fps.toFixed(1)} fps t=${ptsSec.toFixed(1)}s${eta}${extra}`);
  }

  done(): void {
    if (this.enabled) this.out.write('\r\x1b[K');
  }
}

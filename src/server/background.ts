/**
 * Work a request starts and leaves running after its answer (a share package built in the background). The service
 * does not wait for it when it stops (each kind mends what it leaves: see sharing/builds.ts); `idle` is for whoever
 * must see the effects of a request whole, such as the API fuzz, which compares the store before and after each request.
 */
export class BackgroundWork {
  private readonly running = new Set<Promise<unknown>>();

  /** Keeps `job` until it settles (its failure is its owner's to handle: it is not reported here). */
  track(job: Promise<unknown>): void {
    const kept: Promise<void> = job.then(() => undefined, () => undefined).finally(() => this.running.delete(kept));
    this.running.add(kept);
  }

  /** How many jobs are running. */
  get size(): number {
    return this.running.size;
  }

  /** Resolves once nothing runs, including what the running jobs start meanwhile. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}

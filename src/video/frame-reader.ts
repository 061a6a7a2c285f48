/**
 * Cuts ffmpeg's raw stdout (chunks of any size) into exact frame-sized buffers. Every byte is copied once, into
 * the frame that owns it; nothing else is buffered (memory is one partial frame at most).
 */
export class FrameAssembler {
  readonly frameBytes: number;
  private current: Uint8Array | undefined;
  private filled = 0;

  constructor(frameBytes: number) {
    if (!Number.isInteger(frameBytes) || frameBytes <= 0) throw new RangeError(`frameBytes must be a positive integer, got ${frameBytes}`);
    this.frameBytes = frameBytes;
  }

  /** Feed one chunk; `onFrame` gets each completed frame (a fresh buffer the receiver owns). */
  push(chunk: Uint8Array, onFrame: (frame: Uint8Array) => void): void {
    let at = 0;
    while (at < chunk.length) {
      this.current ??= new Uint8Array(this.frameBytes);
      const n = Math.min(this.frameBytes - this.filled, chunk.length - at);
      this.current.set(chunk.subarray(at, at + n), this.filled);
      this.filled += n;
      at += n;
      if (this.filled === this.frameBytes) {
        const done = this.current;
        this.current = undefined;
        this.filled = 0;
        onFrame(done);
      }
    }
  }

  /** Bytes of the incomplete frame held now. */
  get pendingBytes(): number {
    return this.filled;
  }

  /** Drop a partial frame (ffmpeg restarted or ended mid-frame). */
  reset(): void {
    this.current = undefined;
    this.filled = 0;
  }
}

/**
 * A bounded single-consumer queue behind an async iterator. Beyond `capacity`, `push` drops the oldest item
 * (`dropOldest`, live sources) or keeps it and leaves back-pressure to the producer, which checks `full` and
 * pauses until `onDrain` (files).
 */
export class BoundedQueue<T> {
  private readonly items: T[] = [];
  private waiter: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | undefined;
  private end: { error?: unknown } | undefined;
  private endDelivered = false;

  constructor(
    readonly capacity: number,
    private readonly dropOldest: boolean,
    private readonly onDrain?: () => void,
  ) {}

  get length(): number {
    return this.items.length;
  }

  get full(): boolean {
    return this.items.length >= this.capacity;
  }

  get ended(): boolean {
    return this.end !== undefined;
  }

  /** Add an item. Returns how many were dropped (0 or 1). */
  push(item: T): number {
    if (this.end) return 0;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w.resolve({ value: item, done: false });
      return 0;
    }
    this.items.push(item);
    if (this.dropOldest && this.items.length > this.capacity) {
      this.items.shift();
      return 1;
    }
    return 0;
  }

  /** No more items: the consumer gets what is queued, then `error` (thrown) or the end. */
  finish(error?: unknown): void {
    if (this.end) return;
    this.end = error === undefined ? {} : { error };
    if (this.waiter && this.items.length === 0) {
      const w = this.waiter;
      this.waiter = undefined;
      this.settleEnd(w);
    }
  }

  /** Drop everything queued and end now (close()). */
  clear(): void {
    this.items.length = 0;
    this.finish();
  }

  next(): Promise<IteratorResult<T>> {
    const item = this.items.shift();
    if (item !== undefined) {
      if (this.items.length <= this.capacity / 2) this.onDrain?.();
      return Promise.resolve({ value: item, done: false });
    }
    if (this.end) {
      return new Promise((resolve, reject) => this.settleEnd({ resolve, reject }));
    }
    this.onDrain?.();
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  private settleEnd(w: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void }): void {
    if (this.end?.error !== undefined && !this.endDelivered) {
      this.endDelivered = true;
      w.reject(this.end.error);
    } else {
      w.resolve({ value: undefined, done: true });
    }
  }
}

import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { ArgusError, errorMessage } from '../core/errors.js';

/** An append-only JSON Lines file with back-pressure; `close()` flushes and reports write errors. */
export class JsonlWriter {
  private readonly stream: WriteStream;
  private failure: Error | undefined;
  private count = 0;

  constructor(readonly file: string) {
    this.stream = createWriteStream(file, { flags: 'w' });
    this.stream.on('error', (e) => {
      this.failure = e;
    });
  }

  async write(value: unknown): Promise<void> {
    if (this.failure) throw new ArgusError('io_failed', `cannot write ${this.file}: ${errorMessage(this.failure)}`, { cause: this.failure });
    this.count++;
    if (!this.stream.write(`${JSON.stringify(value)}\n`)) await once(this.stream, 'drain');
  }

  lines(): number {
    return this.count;
  }

  async close(): Promise<void> {
    if (!this.stream.closed) {
      this.stream.end();
      await once(this.stream, 'close');
    }
    if (this.failure) throw new ArgusError('io_failed', `cannot write ${this.file}: ${errorMessage(this.failure)}`, { cause: this.failure });
  }
}

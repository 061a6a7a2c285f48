/** A Server-Sent Events reader for service tests: collects `{ event, data }` messages of a live stream. */
export interface SseMessage {
  readonly event: string;
  readonly data: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface SseStream {
  readonly messages: SseMessage[];
  /** The HTTP status of the answer. */
  readonly status: Promise<number>;
  /** Resolves when the service ends the stream (or it fails); never rejects. */
  readonly ended: Promise<void>;
  /** Everything received so far, as text (to look for what must never be sent). */
  raw(): string;
  close: () => void;
}

export function sse(url: string, cookie: string): SseStream {
  const ctl = new AbortController();
  const messages: SseMessage[] = [];
  let text = '';
  let setStatus: (s: number) => void = () => undefined;
  const status = new Promise<number>((r) => (setStatus = r));
  const ended = (async () => {
    const res = await fetch(url, { headers: { cookie }, signal: ctl.signal });
    setStatus(res.status);
    const decoder = new TextDecoder();
    let buf = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      const s = decoder.decode(chunk, { stream: true });
      text += s;
      buf += s;
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) messages.push({ event, data: JSON.parse(data) as unknown });
      }
    }
  })().catch(() => setStatus(0));
  return { messages, status, ended, raw: () => text, close: () => ctl.abort() };
}

/** Polls `fn` every 100 ms until it returns a truthy value, or fails naming what was awaited. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

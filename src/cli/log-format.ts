/**
 * The service's log output: pino's JSON lines (production, log shippers) or one readable line per record for a
 * person at a terminal — `04:25:01.123 INFO  [camera cam-1] signal lost silentMs=3012` — with the record's fields
 * after the message. `--log-format pretty|json` (or ARGUS_LOG_FORMAT) chooses; by default pretty on a terminal,
 * JSON otherwise. The pretty form is a stream pino writes its JSON into, so nothing else changes (no transport
 * thread, no dependency).
 */
import { Writable } from 'node:stream';
import { ArgusError } from '../core/errors.js';

export type LogFormat = 'pretty' | 'json';

export function logFormat(flag: string | undefined, env: string | undefined, isTty: boolean): LogFormat {
  const v = (flag ?? env ?? '').trim();
  if (v === '') return isTty ? 'pretty' : 'json';
  if (v === 'pretty' || v === 'json') return v;
  throw new ArgusError('invalid_argument', `--log-format "${v}": expected pretty or json`);
}

const LEVELS: Readonly<Record<number, string>> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const COLOURS: Readonly<Record<number, string>> = { 10: '90', 20: '36', 30: '32', 40: '33', 50: '31', 60: '35' };
/** Fields shown in brackets before the message, in this order; pino's own fields are not repeated. */
const CONTEXT = ['component', 'worker', 'cameraId', 'reqId'] as const;
const SKIP = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'v', ...CONTEXT]);

const two = (n: number): string => String(n).padStart(2, '0');

function value(v: unknown): string {
  if (typeof v === 'string') return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  if (v !== null && typeof v === 'object') {
    const e = v as { type?: unknown; message?: unknown; stack?: unknown };
    if (typeof e.message === 'string' && typeof e.stack === 'string') return JSON.stringify(e.message);
    return JSON.stringify(v);
  }
  return String(v);
}

/** One JSON record of pino as one line (without the newline); a line that is not a JSON object comes back as it was. */
export function prettyLine(json: string, colour = false): string {
  let rec: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(json);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return json;
    rec = parsed as Record<string, unknown>;
  } catch {
    return json;
  }
  const d = new Date(typeof rec['time'] === 'number' ? rec['time'] : Date.now());
  const time = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
  const lv = typeof rec['level'] === 'number' ? rec['level'] : 30;
  const name = (LEVELS[lv] ?? String(lv)).padEnd(5);
  const level = colour ? `\u001b[${COLOURS[lv] ?? '0'}m${name}\u001b[0m` : name;
  const ctx = CONTEXT.filter((k) => rec[k] !== undefined).map((k) => (k === 'cameraId' ? `camera ${value(rec[k])}` : k === 'reqId' ? `req ${value(rec[k])}` : value(rec[k])));
  const fields = Object.entries(rec).filter(([k, v]) => !SKIP.has(k) && v !== undefined).map(([k, v]) => `${k}=${value(v)}`);
  const msg = typeof rec['msg'] === 'string' ? rec['msg'] : '';
  const stack = (rec['err'] as { stack?: unknown } | undefined)?.stack;
  const line = [time, level, ctx.length > 0 ? `[${ctx.join(' ')}]` : '', msg, ...fields].filter((p) => p !== '').join(' ');
  return typeof stack === 'string' && lv >= 50 ? `${line}\n    ${stack.split('\n').join('\n    ')}` : line;
}

/** A stream for pino: JSON records in, readable lines out to `out`. */
export function prettyStream(out: NodeJS.WritableStream & { isTTY?: boolean }, colour = out.isTTY === true): Writable {
  let rest = '';
  return new Writable({
    write(chunk: Buffer | string, _enc, done) {
      const text = rest + chunk.toString();
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      const shown = lines.filter((l) => l !== '').map((l) => `${prettyLine(l, colour)}\n`).join('');
      if (shown === '') {
        done();
        return;
      }
      if (out.write(shown)) done();
      else out.once('drain', () => done());
    },
    final(done) {
      if (rest !== '') out.write(`${prettyLine(rest, colour)}\n`);
      done();
    },
  });
}

/** pino options for the chosen format: the level, and a stream when pretty (JSON goes to stdout as pino writes it). */
export function loggerOptions(format: LogFormat, level: string): { level: string; stream?: Writable } {
  return format === 'pretty' ? { level, stream: prettyStream(process.stdout) } : { level };
}

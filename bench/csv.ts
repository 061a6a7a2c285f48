/**
 * Watch-list CSV import: parse time of the largest file the route takes (2 M characters), normal and hostile.
 *
 *   npx tsx bench/csv.ts
 *
 * `quotes1x`/`quotes8x`: one field of N and 8N quote characters (the reader before issue 20 trimmed the field at every
 * quote: 8× the quotes took 105× the time, and a 4 MB body stalled the service).
 */
import { pathToFileURL } from 'node:url';
import { parseCsvRecords, parseWatchCsv, WATCH_CSV_LIMITS } from '../src/server/watch-csv.js';

const fastest = (fn: () => unknown, runs = 7): number => {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return Math.round(best * 100) / 100;
};

export function benchCsv(): Record<string, number> {
  const now = Date.UTC(2026, 0, 1);
  const rows = ['plate,reason,expires', ...Array.from({ length: WATCH_CSV_LIMITS.maxRows }, (_, i) =>
    `43A-${String(10_000 + i).slice(0, 3)}.${String(10_000 + i).slice(3)},"Trộm cắp, ""truy nã"" đợt ${i}",2099-12-31`)].join('\r\n');
  const quotes = (n: number) => `plate,reason\n30A12345,a${'"'.repeat(n)}\n51G88812,"${'""'.repeat(n / 2)}"\n`;
  const hostile = `plate,reason\n30A12345,a${'"'.repeat(WATCH_CSV_LIMITS.maxChars - 30)}\n`;
  return {
    rows10kChars: rows.length,
    rows10kMs: fastest(() => parseWatchCsv(rows, now)),
    quotes1xMs: fastest(() => parseCsvRecords(quotes(100_000))),
    quotes8xMs: fastest(() => parseCsvRecords(quotes(800_000))),
    /** The whole 2 M characters as one field of quotes, unbounded (what the reader does when nothing stops it). */
    hostile2MUnboundedMs: fastest(() => parseCsvRecords(hostile)),
    /** The same through the import's limits: refused at its line. */
    hostile2MRefusedMs: fastest(() => parseWatchCsv(hostile, now)),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.stdout.write(`${JSON.stringify(benchCsv(), null, 2)}\n`);

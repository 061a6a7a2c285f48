/**
 * `POST /api/watchlists/:id/import`: a CSV file of plates into a watch list, all or nothing. The file travels as
 * JSON `{ "csv": "<text>" }` so it rides the same body validation and CSRF header as every other write.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { watchImport } from '../../contract/watchlists.js';
import { ulid } from '../../core/ids.js';
import type { ServerContext } from '../context.js';
import { notFound } from '../http.js';
import { idParams } from '../schemas.js';
import { parseWatchCsv, planWatchImport, WATCH_CSV_LIMITS } from '../watch-csv.js';

const importBody = z.strictObject({
  csv: z.string().min(1).max(WATCH_CSV_LIMITS.maxChars).describe('The CSV text: header plate,reason[,expires], then one row per plate'),
});
/** UTF-8 can take up to 3 bytes a Vietnamese character, plus JSON escapes. */
const BODY_LIMIT = 4 * WATCH_CSV_LIMITS.maxChars;

export function watchImportRoute(ctx: ServerContext): void {
  const { router: r, store } = ctx;
  r.add({
    method: 'POST', url: '/api/watchlists/:id/import', tag: 'watchlists', permission: 'watchlists.write', params: idParams, body: importBody, bodyLimit: BODY_LIMIT,
    response: watchImport,
    summary: `Import plates from CSV (audited). Body JSON {"csv": text}; header plate,reason[,expires] (or biển số,lý do[,hết hạn]); `
      + `plates as 30A-123.45 or 29-B1 123.45, patterns with * ?; expires a day (its end, Vietnam time) or an ISO time; BOM and CRLF accepted; `
      + `at most ${WATCH_CSV_LIMITS.maxRows} rows, ${WATCH_CSV_LIMITS.maxFields} fields a line, ${WATCH_CSV_LIMITS.maxFieldChars} characters a field (a file over a limit is refused at that line). All or nothing: any bad row → 400 invalid_csv with error.lines [{line, message}] `
      + `(first ${WATCH_CSV_LIMITS.maxErrors}) and error.errorCount, nothing written. Plates already in the list or repeated are skipped. `
      + 'Answers {imported, skipped, skippedLines}.',
    handler: async ({ req, reply, principal, params, body }) => {
      const list = await store.getWatchList(params.id);
      if (!list) throw notFound('watch list');
      const nowMs = Date.now();
      const parsed = parseWatchCsv(body.csv, nowMs);
      if (!parsed.ok) {
        const message = `${parsed.errorCount} bad line(s); nothing was imported`;
        return reply.status(400).send({ error: { code: 'invalid_csv', message, errorCount: parsed.errorCount, lines: parsed.errors } });
      }
      const plan = planWatchImport(parsed.rows, (await store.listWatchEntries(list.id)).map((e) => e.pattern));
      // Ids of one instant sorted and handed out in file order: the list then reads in the order of the file.
      const ids = plan.add.map(() => ulid(nowMs)).sort();
      await store.addWatchEntries(list.id, plan.add.map((row, i) => ({ id: ids[i]!, pattern: row.pattern, note: row.note, expiresAtMs: row.expiresAtMs, createdAtMs: nowMs })));
      ctx.ingest.invalidateWatchLists();
      await ctx.audit(req, principal, 'watchlist.import', list.id, {
        rows: parsed.rows.length, imported: plan.add.length, skipped: plan.skipped.length,
        sha256: createHash('sha256').update(body.csv).digest('hex'),
      });
      return { imported: plan.add.length, skipped: plan.skipped.length, skippedLines: plan.skipped.slice(0, WATCH_CSV_LIMITS.maxErrors) };
    },
  });
}

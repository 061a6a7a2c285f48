/** Watch lists of plates, their entries and the CSV import. */
import { z } from 'zod';
import { listOf, severity } from './common.js';

export const watchList = z.strictObject({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  severity,
  createdAtMs: z.number(),
});
export type WatchList = z.infer<typeof watchList>;
export const watchLists = listOf(watchList);

export const watchEntry = z.strictObject({
  id: z.string(),
  listId: z.string(),
  /** A plate key or a wildcard pattern (`*` any run, `?` one character). */
  pattern: z.string(),
  note: z.string(),
  createdAtMs: z.number(),
  expiresAtMs: z.number().nullable(),
});
export type WatchEntry = z.infer<typeof watchEntry>;

export const watchListDetail = watchList.extend({ entries: z.array(watchEntry) });
export type WatchListDetail = z.infer<typeof watchListDetail>;

/** The entries just added (their `listId` is the list's). */
export const watchEntriesAdded = listOf(watchEntry.omit({ listId: true }));

export const watchImport = z.strictObject({
  imported: z.number(),
  skipped: z.number(),
  /** The first skipped rows: already in the list, or repeated in the file. */
  skippedLines: z.array(z.strictObject({ line: z.number(), pattern: z.string(), why: z.enum(['in_list', 'repeated']) })),
});
export type WatchImport = z.infer<typeof watchImport>;

/** A refused import's error (`invalid_csv`): the bad lines, at most the first 50, and how many there were. */
export const watchImportError = z.strictObject({
  error: z.strictObject({
    code: z.literal('invalid_csv'),
    message: z.string(),
    errorCount: z.number(),
    lines: z.array(z.strictObject({ line: z.number(), message: z.string() })),
  }),
});
export type WatchImportLineError = z.infer<typeof watchImportError>['error']['lines'][number];

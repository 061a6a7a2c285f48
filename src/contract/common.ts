/**
 * Pieces every answer of the API shares: JSON values, pages, `{ ok: true }`, the error body, places, areas.
 *
 * src/contract is THE description of what the API answers: zod schemas the routes declare as their `response`
 * (src/server/http.ts), that OpenAPI publishes and that the tests check every JSON answer against, and whose
 * types the web imports (`@contract`). It imports only zod and src/core, so the web's build can read it.
 */
import { z } from 'zod';
import { SEVERITIES } from '../core/violation.js';

/** Any JSON value (stored payloads, details of the audit, geometry as in the config file). */
export const jsonValue = z.json().meta({ id: 'JsonValue', description: 'Any JSON value' });
export type JsonValue = z.infer<typeof jsonValue>;
export const jsonObject = z.record(z.string(), jsonValue);

export const latLng = z.strictObject({ lat: z.number(), lng: z.number() });
export const severity = z.enum(SEVERITIES);

/** One page of a listing; `nextCursor` is opaque: pass it back unchanged, null on the last page. */
export const pageOf = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item), nextCursor: z.string().nullable() });
/** A whole list (no paging). */
export const listOf = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item) });
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The answer of a change that returns nothing else. */
export const ok = z.strictObject({ ok: z.literal(true) });

/** Every error of the API: a code to act on and a message to show; some codes add fields (e.g. `lines` of `invalid_csv`). */
export const apiError = z.strictObject({
  error: z.looseObject({ code: z.string().min(1), message: z.string() }),
});
export type ApiErrorBody = z.infer<typeof apiError>;

/** An area of the province: empty or absent lists mean everywhere. */
export const accessScope = z.strictObject({
  districts: z.array(z.string()).optional(),
  wards: z.array(z.string()).optional(),
  cameraIds: z.array(z.string()).optional(),
});
export type AccessScope = z.infer<typeof accessScope>;

/** What a route that is not JSON answers with (files, streams), for OpenAPI and the tests. */
export interface ContentResponse {
  /** The media types a 2xx answer may have (parameters such as `charset` aside). */
  readonly contentTypes: readonly string[];
  readonly description: string;
}
export const content = (types: string | readonly string[], description: string): ContentResponse => ({ contentTypes: typeof types === 'string' ? [types] : types, description });

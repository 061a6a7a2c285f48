/** Shared zod pieces of the API (strict: unknown fields are errors). The same schemas feed OpenAPI. */
import { z } from 'zod';

/** Ids in paths: letters, digits, `-`, `_` only — no dots or slashes, so no path can be smuggled in. */
export const idText = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, "-" or "_"');
export const idParams = z.strictObject({ id: idText });

const ms = z.coerce.number().int().min(0).max(8_640_000_000_000);
const csv = (item: z.ZodString) =>
  z
    .string()
    .max(4000)
    .transform((s) => s.split(',').map((x) => x.trim()).filter((x) => x !== ''))
    .pipe(z.array(item).max(200));

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(1000).optional().describe('Page size (1–1000, default 100)'),
  cursor: z.string().min(1).max(512).optional().describe('`nextCursor` of the previous page, unchanged'),
};
export const timeQuery = {
  from: ms.optional().describe('From this time, ms since epoch (inclusive)'),
  to: ms.optional().describe('Until this time, ms since epoch (exclusive)'),
};
export const camerasQuery = csv(idText).optional().describe('Comma-separated camera ids');
export const kindsQuery = csv(z.string().regex(/^[a-z0-9_.]{1,40}$/)).optional().describe('Comma-separated kinds');

export const latLng = z.strictObject({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) });
export const severity = z.enum(['info', 'warning', 'critical']);
export const reason = z.string().trim().min(3, 'give a reason (at least 3 characters)').max(2000);

export const pageOf = <T>(items: T[], nextCursor: string | null): { items: T[]; nextCursor: string | null } => ({ items, nextCursor });

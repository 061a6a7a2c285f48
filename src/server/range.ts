/**
 * HTTP byte ranges (RFC 9110 §14): `Range: bytes=…` against a file, for clients that read parts of a large file
 * (PMTiles archives, video seeking). One range per request; a header that is not a single valid byte range is
 * ignored (the whole file is sent), as the RFC allows. What a client asks for never decides whether a read is
 * audited: footage routes cover every request with an audit row first (look-throttle.ts folds repeats).
 */
import { open } from 'node:fs/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from './errors.js';

export interface ByteRange {
  /** First byte, inclusive. */
  readonly start: number;
  /** Last byte, inclusive. */
  readonly end: number;
}

/** The range a `Range` header asks of a file of `size` bytes: a range, `unsatisfiable` (416), or null (send it whole). */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | null {
  const m = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? Infinity : Number(m[2]);
  if (end < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(end, size - 1) };
}

/**
 * Sends a file, or the byte range the request asks for (206), with a strong ETag of size and modification time so a
 * client reading parts can tell the file changed between its requests. Throws ENOENT when the file is absent.
 */
export async function sendFileRange(req: FastifyRequest, reply: FastifyReply, file: string, contentType: string): Promise<FastifyReply> {
  // Opened first and read from that handle: a file removed or replaced after the route found it (retention, a
  // tampering check) is either not found here, before anything is sent, or read whole as it was when opened; never a
  // stream that fails after a 200 was promised.
  const fh = await open(file, 'r').catch((e: unknown) => {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new HttpError(404, 'not_found', 'the file is gone');
    throw e;
  });
  try {
    const st = await fh.stat();
    const etag = `"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
    reply.header('accept-ranges', 'bytes').header('etag', etag).type(contentType);
    const ifRange = req.headers['if-range'];
    const range = ifRange === undefined || ifRange === etag ? parseRange(req.headers.range, st.size) : null;
    if (range === 'unsatisfiable') {
      await fh.close();
      return reply.status(416).header('content-range', `bytes */${st.size}`).send();
    }
    if (range === null) return reply.header('content-length', st.size).send(fh.createReadStream());
    return reply
      .status(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${st.size}`)
      .header('content-length', range.end - range.start + 1)
      .send(fh.createReadStream({ start: range.start, end: range.end }));
  } catch (e) {
    await fh.close().catch(() => undefined);
    throw e;
  }
}

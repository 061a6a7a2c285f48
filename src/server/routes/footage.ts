/**
 * Footage: snapshots, HLS live view on demand, recordings (list + playback), the violation notice PDF and the
 * evidence downloads (routes/evidence.ts). Every footage view and export is audited before a byte is sent, whatever
 * the request's headers say; repeats are folded on the server (look-throttle.ts): live view (snapshot, playlist and
 * segments) per actor and camera per minute, a file (recording, evidence file) per actor and file per five minutes.
 * File names in paths are validated by strict patterns (no dots-slashes can pass) before anything touches the disk.
 */
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { recordings } from '../../contract/cameras.js';
import { content } from '../../contract/common.js';
import { ArgusError, isArgusError } from '../../core/errors.js';
import type { Frame } from '../../core/frame.js';
import { encodeJpeg, toRaw } from '../../evidence/render.js';
import { classLabel, kindLabel, localTime } from '../../evidence/text.js';
import type { ObjectClass } from '../../core/classes.js';
import { HLS_SEGMENT_NAME } from '../../video/hls.js';
import { closeAllHls, HlsHost } from '../../video/hls-host.js';
import { SEGMENT_NAME } from '../../video/segment-names.js';
import { grabJpeg } from '../../video/snapshot.js';
import type { CameraSourcePolicy } from '../camera-source.js';
import type { ServerContext } from '../context.js';
import { resolveEvidencePath } from '../evidence-files.js';
import { HttpError, notFound } from '../http.js';
import { legalBasis } from '../notice/legal-basis.js';
import { NoticeImageError, renderNotice } from '../notice/render.js';
import { PUBLIC_KEY_FILE, readPublicKeyFile } from '../../evidence/keys.js';
import { verifyEvidence } from '../../evidence/verify.js';
import { listSegments } from '../recordings.js';
import { evidenceRoutes } from './evidence.js';
import { overlayRoutes } from './overlay.js';
import { FILE_LOOK_MS, LIVE_LOOK_MS, LookThrottle } from '../look-throttle.js';
import { blurJpeg } from '../face-blur.js';
import { sendFileRange } from '../range.js';
import { sendRemoteRange, workerRecordings } from '../scaled/worker-rpc.js';
import { idParams, idText, timeQuery } from '../schemas.js';
import { assertCameraVisible } from '../scope.js';
import { liveView } from '../live-view.js';
import type { LiveHost } from '../../bus/live-relay.js';

export interface FootageOptions {
  /** Data directory: recordings in `<dataDir>/recordings`, evidence in `<dataDir>/evidence` (default ARGUS_DATA_DIR or ./data). */
  readonly dataDir?: string;
  /** HLS muxer stops after this long without a request (default 30 s). */
  readonly hlsIdleMs?: number;
}

const segParams = z.strictObject({ id: idText, segment: z.string().regex(HLS_SEGMENT_NAME, 'not a segment name') });
const recParams = z.strictObject({ cameraId: idText, file: z.string().regex(SEGMENT_NAME, 'not a recording name') });

/** Stops the live HLS muxers of every server in this process (e.g. at shutdown). */
export const closeFootage = closeAllHls;

/** JPEG of an analysed RGB frame. */
const frameJpeg = (f: Frame): Promise<Buffer> => encodeJpeg(toRaw({ rgb: f.rgb, width: f.size.width, height: f.size.height }), 80);

export { FILE_LOOK_MS, LIVE_LOOK_MS };

/** `sources`: the rule for camera sources set through the API, held to again before a stored camera's source is opened. */
/**
 * Returns this service's live view as a {@link LiveHost} (cameras of the store, their stored sources held to the same
 * rule): a district relays it to its province for the cameras it shares.
 */
export function footageRoutes(ctx: ServerContext, opts: FootageOptions = {}, sources?: CameraSourcePolicy): LiveHost {
  const liveLooks = new LookThrottle(LIVE_LOOK_MS);
  const fileLooks = new LookThrottle(FILE_LOOK_MS);
  const { router: r, store } = ctx;
  const dataDir = resolve(opts.dataDir ?? process.env['ARGUS_DATA_DIR'] ?? 'data');
  const recRoot = join(dataDir, 'recordings');
  const evidenceRoot = join(dataDir, 'evidence');
  const streams = liveView(ctx, new HlsHost({ ...(opts.hlsIdleMs !== undefined ? { idleMs: opts.hlsIdleMs } : {}) }));
  evidenceRoutes(ctx, evidenceRoot, fileLooks);
  overlayRoutes(ctx, liveLooks);

  const camera = async (principal: Parameters<typeof assertCameraVisible>[1], id: string) => {
    const c = await store.getCamera(id);
    if (!c) throw notFound('camera');
    await assertCameraVisible(store, principal, c.id);
    return c;
  };
  /** The source ffmpeg may open for a camera: a config camera's as written, a stored camera's only if the API would accept it. */
  const sourceOf = (c: { id: string; url: string }): string => {
    if (sources && !ctx.configCameraIds.has(c.id)) {
      try {
        sources.checkStored(c.url);
      } catch (e) {
        if (e instanceof HttpError) throw new HttpError(409, e.code, `${e.message} (edit the camera's source)`);
        throw e;
      }
    }
    return c.url;
  };

  r.add({
    method: 'GET', url: '/api/cameras/:id/snapshot.jpg', tag: 'footage', permission: 'live.read', summary: 'The latest frame as JPEG (audited)', params: idParams,
    response: content('image/jpeg', 'The latest frame'),
    handler: async ({ req, reply, principal, params }) => {
      const c = await camera(principal!, params.id);
      // The analyser's latest frame when the camera runs (no new ffmpeg; current even for looping files), else one grab.
      const live = ctx.cameras.latestFrame(c.id);
      // Scaled mode: the latest analysed frame of the worker that runs the camera.
      const worker = live ? undefined : ctx.remote?.holderOf(c.id);
      const jpeg = live ? await frameJpeg(live) : worker ? await ctx.remote!.snapshot(worker, { cameraId: c.id }) : await grabJpeg(sourceOf(c), { timeoutMs: 10_000 });
      // A wall refreshes snapshots every few seconds: one audit row per viewer and camera per minute is one look.
      await liveLooks.cover(`${principal!.actor}|snapshot|${c.id}`, () => ctx.audit(req, principal, 'footage.view', c.id, { what: 'snapshot', ...(worker ? { worker } : {}) }));
      return reply.type('image/jpeg').header('x-argus-frame', live ? 'live' : worker ? 'worker' : 'grab').send(Buffer.from(jpeg));
    },
  });
  r.add({
    method: 'GET', url: '/api/cameras/:id/live.m3u8', tag: 'footage', permission: 'live.read', summary: 'Live HLS playlist (starts the muxer on demand; audited)', params: idParams,
    response: content('application/vnd.apple.mpegurl', 'The HLS playlist'),
    handler: async ({ req, reply, principal, params }) => {
      const c = await camera(principal!, params.id);
      // Opened here, or relayed from the worker that runs the camera or the district that owns it (live-view.ts).
      const { text, via } = await streams.playlist(c.id, () => sourceOf(c));
      // A player reloads the playlist every segment: the stream is one look per viewer and camera per minute.
      await liveLooks.cover(`${principal!.actor}|live|${c.id}`, () => ctx.audit(req, principal, 'footage.view', c.id, { what: 'live', ...via }));
      return reply.type('application/vnd.apple.mpegurl').send(text.replace(/^(seg\d+\.ts)$/gm, `hls/$1`));
    },
  });
  r.add({
    method: 'GET', url: '/api/cameras/:id/hls/:segment', tag: 'footage', permission: 'live.read', summary: 'A segment of the live HLS stream (audited with the playlist)', params: segParams,
    response: content('video/mp2t', 'An MPEG-TS segment'),
    handler: async ({ req, reply, principal, params }) => {
      const c = await camera(principal!, params.id);
      const data = await streams.segment(c.id, params.segment).catch((e: unknown) => {
        if (isArgusError(e) && e.code === 'not_found') throw notFound('segment');
        throw e;
      });
      // Segments are footage too, whoever started the stream: covered by the viewer's own look at the camera.
      await liveLooks.cover(`${principal!.actor}|live|${c.id}`, () => ctx.audit(req, principal, 'footage.view', c.id, { what: 'live' }));
      return reply.type('video/mp2t').send(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    },
  });
  r.add({
    method: 'GET', url: '/api/cameras/:id/recordings', tag: 'footage', permission: 'live.read', summary: 'Recorded segments of a camera in a time range', params: idParams, query: z.strictObject({ ...timeQuery }),
    response: recordings,
    handler: async ({ principal, params, query }) => {
      const c = await camera(principal!, params.id);
      // Scaled mode: the recordings stay on the workers that recorded them (the camera's holder now, and any worker
      // that ran it before); they list them.
      const remote = ctx.remote ? workerRecordings(ctx.remote, c.id) : undefined;
      const segs = remote ? await remote.list(query.from, query.to) : await listSegments(recRoot, c.id, query.from, query.to);
      return { items: segs.map((s) => ({ file: s.file, startMs: s.startMs, bytes: s.bytes, url: `/api/recordings/${c.id}/${s.file}` })) };
    },
  });
  r.add({
    method: 'GET', url: '/api/recordings/:cameraId/:file', tag: 'footage', permission: 'live.read', summary: 'Play back one recorded segment (mp4; audited)', params: recParams,
    response: content('video/mp4', 'The segment (HTTP range requests)'),
    handler: async ({ req, reply, principal, params }) => {
      await camera(principal!, params.cameraId);
      const file = join(recRoot, params.cameraId, params.file);
      const st = await stat(file).catch(() => null);
      const remote = st?.isFile() || !ctx.remote ? undefined : workerRecordings(ctx.remote, params.cameraId);
      if (remote) {
        // Scaled mode: played back from the worker that recorded it, with the same check and audit as a local file.
        const found = await remote.find(params.file);
        if (!found) throw notFound('recording');
        const { seg, worker } = found;
        await fileLooks.cover(`${principal!.actor}|recording|${params.cameraId}/${params.file}`, () => ctx.audit(req, principal, 'footage.view', params.cameraId, { what: 'recording', file: params.file, worker }));
        return sendRemoteRange(req, reply, ctx.remote!, worker, params.cameraId, seg, 'video/mp4');
      }
      if (!st?.isFile()) throw notFound('recording');
      // Every request is covered, whatever its Range; a player's seeking and buffering fold into the viewer's one look.
      await fileLooks.cover(`${principal!.actor}|recording|${params.cameraId}/${params.file}`, () => ctx.audit(req, principal, 'footage.view', params.cameraId, { what: 'recording', file: params.file }));
      return sendFileRange(req, reply, file, 'video/mp4');
    },
  });
  r.add({
    method: 'GET', url: '/api/violations/:id/notice.pdf', tag: 'violations', permission: 'violations.read', summary: 'Violation notice in Vietnamese (Circular 73/2024 art. 24) as PDF (audited export)', params: idParams,
    response: content('application/pdf', 'The notice'),
    handler: async ({ req, reply, principal, params }) => {
      const v = await store.getViolation(params.id);
      if (!v) throw notFound('violation');
      await assertCameraVisible(store, principal!, v.cameraId);
      const cam = await store.getCamera(v.cameraId);
      const site = cam ? await store.getSite(cam.siteId) : null;
      const d = (v.details ?? {}) as { cls?: string; measurements?: { speedKmh?: number; limitKmh?: number; signalAgeMs?: number } };
      const m = d.measurements ?? {};
      const basis = legalBasis(v.kind, d.cls, m);
      const tz = site?.timeZone ?? 'Asia/Ho_Chi_Minh';
      const t = localTime(v.atMs, tz);
      for (const e of v.evidence) if (e.kind === 'manifest') await ctx.materialiseEvidence?.(e.path, e.sha256);
      // A notice prints only what the signed package vouches for: a damaged or replaced picture is refused, not printed.
      await assertEvidenceIntact(evidenceRoot, join(dataDir, 'keys', PUBLIC_KEY_FILE), v.id, v.evidence);
      // Faces of people on no face watch list are pixelated in what is printed (the signed package keeps them).
      const stored = await evidenceImages(evidenceRoot, v.evidence);
      const finder = stored.length > 0 ? await ctx.faces.finder() : undefined;
      const images = await Promise.all(stored.map(async (b) => Buffer.from((await blurJpeg(finder!, new Uint8Array(b))).bytes)));
      const measurements = [
        ...(m.speedKmh !== undefined ? [`Tốc độ ${Math.round(m.speedKmh)} km/h${m.limitKmh !== undefined ? ` (giới hạn ${m.limitKmh} km/h)` : ''}`] : []),
        ...(m.signalAgeMs !== undefined ? [`Đèn đỏ đã bật ${(m.signalAgeMs / 1000).toFixed(1).replace('.', ',')} giây`] : []),
      ];
      const status = { pending: 'Chưa xác minh', confirmed: 'Đã xác nhận', rejected: 'Đã bác bỏ' }[v.status];
      const { pdf } = await renderNotice({
        violationId: v.id, issuer: site?.name ?? 'Cơ quan Công an', plate: v.plateDisplay, vehicle: d.cls ? classLabel(d.cls as ObjectClass).vi : 'Không xác định',
        time: `${t.display.slice(0, 19)} (${t.offsetLabel})`, place: [cam?.name, site?.ward, site?.district].filter((x): x is string => !!x).join(', ') || v.cameraId,
        violation: kindLabel(v.kind).vi, legalBasis: basis.citation, fineVnd: basis.fineVnd, measurements, status, images,
        issuedAt: localTime(Date.now(), tz).display.slice(0, 16),
      }).catch((e: unknown) => {
        if (e instanceof NoticeImageError) throw new HttpError(409, 'evidence_damaged', `the evidence of violation ${v.id} is damaged (${e.message}): check the package with \`argus evidence verify\``);
        throw e;
      });
      await ctx.audit(req, principal, 'export.notice', v.id, { cameraId: v.cameraId, images: images.length });
      return reply.type('application/pdf').header('content-disposition', `attachment; filename="notice-${v.id}.pdf"`).send(pdf);
    },
  });
  return streams.host(async (cameraId) => {
    const c = await store.getCamera(cameraId);
    if (!c) throw new ArgusError('not_found', `camera ${cameraId}`);
    return sourceOf(c);
  });
}

/**
 * Every signed package of the violation verifies (signature, every file's digest, nothing added or removed), against
 * the service's own evidence key when it has one; else 409 `evidence_damaged` naming the problems.
 */
async function assertEvidenceIntact(root: string, publicKeyFile: string, violationId: string, evidence: readonly { kind: string; path: string }[]): Promise<void> {
  const key = await readPublicKeyFile(publicKeyFile).catch(() => undefined);
  for (const e of evidence) {
    if (e.kind !== 'manifest') continue;
    const dir = await resolveEvidencePath(root, e.path);
    if (!dir) continue;
    const r = await verifyEvidence(dir, key);
    if (!r.ok) {
      const what = r.problems.slice(0, 5).map((p) => `${p.file}: ${p.problem}`).join('; ');
      throw new HttpError(409, 'evidence_damaged', `the evidence of violation ${violationId} does not verify (${what}): no notice is printed from it; check it with \`argus evidence verify\``);
    }
  }
}

/** Composite first, then stills: files of the evidence records, or of a package folder — only under the evidence root. */
async function evidenceImages(root: string, evidence: readonly { kind: string; path: string }[]): Promise<Buffer[]> {
  const files: string[] = [];
  for (const e of evidence) {
    const abs = await resolveEvidencePath(root, e.path);
    if (!abs) continue;
    if (e.kind === 'manifest') files.push(join(abs, 'composite.jpg'), join(abs, '2-moment.jpg'));
    else if (e.kind === 'composite') files.unshift(abs);
    else if (e.kind === 'still') files.push(abs);
  }
  const out: Buffer[] = [];
  for (const f of files) {
    if (out.length >= 2) break;
    const b = await readFile(f).catch(() => null);
    if (b) out.push(b);
  }
  return out;
}

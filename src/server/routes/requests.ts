/**
 * Requests between agencies (issue #25; contract/requests.ts). A partner (the `partner` role or its API keys) or an
 * investigator asks for footage (a camera and a window), a plate trace (a plate and a window) or a violation's
 * evidence, with a reason and a legal basis; the material must lie in the requester's area (a key's own area). An
 * officer holding `requests.approve` (supervisor, admin) whose area covers the material approves — the signed package
 * is built then, shared until the expiry he sets — or refuses with a reason; he may revoke it later. One may not decide
 * one's own request. A requester sees the requests of their agency (their own and their keys'); an approver sees the
 * requests about his area too. The package comes as a tar (`/api/requests/:id/package`, signed in) or through the
 * read-only link (`/api/shares/:token`, no sign-in, rate-limited per address) until it expires or is revoked: 410 Gone
 * after. Every step is audited: share.request, share.approve (with share.package), share.refuse, share.revoke,
 * share.download, and share.view for every look through a link (token id, address).
 */
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { content } from '../../contract/common.js';
import { shareRequest, shareRequests } from '../../contract/requests.js';
import { ArgusError } from '../../core/errors.js';
import { ulid } from '../../core/ids.js';
import { SHARE_STATUSES, shareStatusAt, type ShareStatus, type ShareStoredStatus } from '../../core/sharing.js';
import { loadOrCreateKeyPair, type EvidenceKeyPair } from '../../evidence/keys.js';
import type { SharingConfig } from '../../config/service.js';
import { toPlateKey } from '../../plates/match.js';
import type { ShareRequestRecord } from '../../store/store.js';
import type { ServerContext } from '../context.js';
import { attachment, packageFiles } from '../evidence-files.js';
import { HttpError, notFound } from '../http.js';
import { WindowLimiter } from '../limiter.js';
import type { Principal } from '../rbac.js';
import { idParams, idText, reason } from '../schemas.js';
import { allowedCameraIds } from '../scope.js';
import { ShareBuilds } from '../sharing/builds.js';
import { buildSharePackage, builtInBackground, type MaterialRoots } from '../sharing/material.js';
import { workerRecordings } from '../scaled/worker-rpc.js';
import { SHARE_LINK_PREFIX, SHARE_TOKEN, shareToken, tokenHashOf, tokenIdOf } from '../sharing/link.js';
import { tarLength, tarStream } from '../tar.js';

const MIN = 60_000;
const ms = z.number().int().min(0).max(8_640_000_000_000);
const text = (max: number) => z.string().trim().min(3, 'at least 3 characters').max(max);
const common = {
  reason: text(2000).describe('Why the material is needed (the case)'),
  legalBasis: text(500).describe('The legal basis of the request (law, article, decision number)'),
  agency: z.string().trim().min(2).max(200).optional().describe('The requesting agency (default: the caller\'s name)'),
};
const window = { fromMs: ms, toMs: ms };
const createBody = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('footage'), cameraId: idText, ...window, ...common }),
  z.strictObject({ kind: z.literal('plate_trace'), plate: z.string().trim().min(4).max(32).regex(/^[0-9A-Za-z.\- ]+$/, 'a full plate: letters, digits, "-", "." and spaces'), ...window, ...common }),
  z.strictObject({ kind: z.literal('evidence'), violationId: idText, ...common }),
]);
const approveBody = z.strictObject({
  note: z.string().trim().max(2000).optional().describe('The officer\'s note, shown to the requester'),
  expiresAtMs: ms.optional().describe('Until when the material is shared (default: sharing.defaultExpiryHours from now; at most sharing.maxExpiryDays)'),
});
const refuseBody = z.strictObject({ reason });
const listQuery = z.strictObject({ status: z.enum(SHARE_STATUSES).optional() });
const tokenParams = z.strictObject({ token: z.string().regex(SHARE_TOKEN, 'not a share link') });
const TAR = content('application/x-tar', 'The signed package: a tar of the material, request.json, manifest.json and manifest.sig (`argus evidence verify`)');

const tooLong = (what: string, max: string): HttpError => new HttpError(400, 'invalid_request', `the ${what} window is longer than ${max}`);

/** `dataDir`: recordings, evidence, keys (the evidence key signs packages) and shares/ (the packages). */
export function requestRoutes(dataDir: string, cfg: SharingConfig) {
  return (ctx: ServerContext): void => {
    const { router: r, store } = ctx;
    const root = resolve(dataDir);
    const roots: MaterialRoots = {
      recordings: join(root, 'recordings'), evidence: join(root, 'evidence'), shares: join(root, 'shares'),
      // Scaled mode: footage recorded on the worker that runs the camera.
      ...(ctx.remote ? { remote: (cameraId: string) => workerRecordings(ctx.remote!, cameraId) } : {}),
      privacy: (files, note, onProgress) => ctx.faces.privateCopy(files, note, onProgress),
    };
    let keys: Promise<EvidenceKeyPair> | undefined;
    const signingKeys = (): Promise<EvidenceKeyPair> => (keys ??= loadOrCreateKeyPair(join(root, 'keys')));
    const builds = new ShareBuilds({ store, roots, keys: signingKeys, log: ctx.log, background: ctx.background });
    const links = new WindowLimiter(MIN);

    const isRequester = (p: Principal, x: ShareRequestRecord): boolean => x.requestedBy === p.actor || (p.userId !== null && x.requesterUserId === p.userId);
    /** Whether an area (the cameras an approver may see; null: all) covers the request's material (a trace: some camera both may see). */
    const covers = (allowed: ReadonlySet<string> | null, x: ShareRequestRecord): boolean => {
      if (allowed === null) return true;
      if (x.kind === 'plate_trace') return x.area === null || x.area.some((c) => allowed.has(c));
      return x.cameraId !== null && allowed.has(x.cameraId);
    };
    const coversMaterial = async (p: Principal, x: ShareRequestRecord): Promise<boolean> => covers(await allowedCameraIds(store, p), x);
    const visible = async (p: Principal, x: ShareRequestRecord): Promise<boolean> =>
      isRequester(p, x) || (p.permissions.has('requests.approve') && (await coversMaterial(p, x)));
    const find = async (p: Principal, id: string): Promise<ShareRequestRecord> => {
      const x = await store.getShareRequest(id);
      if (!x || !(await visible(p, x))) throw notFound('request');
      return x;
    };
    const view = async (x: ShareRequestRecord, nowMs = Date.now()) => {
      const status = shareStatusAt(x, nowMs);
      const link = status === 'approved' && x.decidedAtMs !== null ? `${SHARE_LINK_PREFIX}${shareToken(await signingKeys(), x.id, x.decidedAtMs)}` : null;
      return {
        id: x.id, kind: x.kind, cameraId: x.cameraId, plate: x.plateKey, violationId: x.violationId, fromMs: x.fromMs, toMs: x.toMs, reason: x.reason,
        legalBasis: x.legalBasis, agency: x.agency, requesterName: x.requesterName, status, deciderName: x.deciderName, decidedAtMs: x.decidedAtMs,
        decisionReason: x.decisionReason, expiresAtMs: x.expiresAtMs, packageSha256: x.packageSha256, link, createdAtMs: x.createdAtMs,
        progress: x.status === 'preparing' ? x.progress ?? 0 : null, buildError: x.status === 'failed' ? x.buildError : null,
      };
    };
    const mayUse = (p: Principal): void => {
      if (!p.permissions.has('requests.create') && !p.permissions.has('requests.approve')) throw new HttpError(403, 'forbidden', 'your role may not do this (needs requests.create or requests.approve)');
    };
    /** Why a package may not be served now (410 once expired or revoked), or nothing. */
    const assertServable = (x: ShareRequestRecord, nowMs: number): void => {
      const status = shareStatusAt(x, nowMs);
      if (status === 'expired') throw new HttpError(410, 'gone', `this share expired at ${new Date(x.expiresAtMs!).toISOString()}; ask the agency for a new request`);
      if (status === 'revoked') throw new HttpError(410, 'gone', 'this share was revoked by the agency that granted it');
      if (status === 'preparing') throw new HttpError(409, 'conflict', `the package is being built (${Math.round((x.progress ?? 0) * 100)} %): it is shared once the request is approved`);
      if (status !== 'approved') throw new HttpError(409, 'conflict', `the request is ${status}: nothing is shared`);
    };
    const sendPackage = async (reply: Parameters<Parameters<typeof r.add>[0]['handler']>[0]['reply'], x: ShareRequestRecord) => {
      const files = await packageFiles(join(roots.shares, x.id)).catch(() => []);
      if (files.length === 0) throw new ArgusError('io_failed', `the package of request ${x.id} is missing`);
      return reply.type('application/x-tar').header('cache-control', 'private, no-store').header('content-disposition', attachment(`argus-request-${x.id}.tar`))
        .header('content-length', tarLength(files)).send(tarStream(`argus-request-${x.id}`, files));
    };

    r.add({
      method: 'POST', url: '/api/requests', tag: 'requests', permission: 'requests.create', body: createBody,
      summary: 'Ask for footage, a plate trace or a violation\'s evidence, with a reason and a legal basis (in your area; audited)', response: shareRequest,
      handler: async ({ req, principal, body }) => {
        const p = principal!;
        const now = Date.now();
        const allowed = await allowedCameraIds(store, p);
        const inArea = (cameraId: string): boolean => allowed === null || allowed.has(cameraId);
        let cameraId: string | null = null;
        let plateKey: string | null = null;
        let violationId: string | null = null;
        if (body.kind !== 'evidence') {
          if (body.toMs <= body.fromMs) throw new HttpError(400, 'invalid_request', 'toMs must be after fromMs');
          if (body.fromMs > now + 5 * MIN) throw new HttpError(400, 'invalid_request', 'the window starts in the future');
        }
        if (body.kind === 'footage') {
          if (body.toMs - body.fromMs > cfg.maxFootageMinutes * MIN) throw tooLong('footage', `${cfg.maxFootageMinutes} minutes`);
          if (!(await store.getCamera(body.cameraId)) || !inArea(body.cameraId)) throw new HttpError(403, 'forbidden', `camera ${body.cameraId}: no such camera in your area`);
          cameraId = body.cameraId;
        } else if (body.kind === 'plate_trace') {
          if (body.toMs - body.fromMs > cfg.maxTraceDays * 1440 * MIN) throw tooLong('trace', `${cfg.maxTraceDays} days`);
          plateKey = toPlateKey(body.plate);
          if (plateKey === null) throw new HttpError(400, 'invalid_request', 'body.plate: not a plate');
          if (allowed !== null && allowed.size === 0) throw new HttpError(403, 'forbidden', 'your area holds no camera');
        } else {
          const v = await store.getViolation(body.violationId);
          if (!v || !inArea(v.cameraId)) throw new HttpError(403, 'forbidden', `violation ${body.violationId}: no such violation in your area`);
          violationId = v.id;
          cameraId = v.cameraId;
        }
        const x: ShareRequestRecord = {
          id: ulid(now), kind: body.kind, cameraId, plateKey, violationId,
          fromMs: body.kind === 'evidence' ? null : body.fromMs, toMs: body.kind === 'evidence' ? null : body.toMs,
          reason: body.reason, legalBasis: body.legalBasis, agency: body.agency ?? p.username, requestedBy: p.actor, requesterUserId: p.userId,
          requesterName: p.username, area: allowed === null ? null : [...allowed].sort(), status: 'pending', decidedBy: null, deciderName: null,
          decidedAtMs: null, decisionReason: null, expiresAtMs: null, tokenHash: null, packageSha256: null, progress: null, buildError: null, createdAtMs: now, updatedAtMs: now,
        };
        await store.insertShareRequest(x);
        await ctx.audit(req, p, 'share.request', x.id, { kind: x.kind, cameraId, plate: plateKey, violationId, fromMs: x.fromMs, toMs: x.toMs, legalBasis: x.legalBasis, agency: x.agency });
        return view(x, now);
      },
    });
    r.add({
      method: 'GET', url: '/api/requests', tag: 'requests', permission: 'authenticated',
      summary: 'Requests between agencies: your agency\'s, and (approvers) those about your area; newest first; `status`: only those in it (`pending`: what waits for a decision)',
      query: listQuery, response: shareRequests,
      handler: async ({ principal, query }) => {
        const p = principal!;
        mayUse(p);
        const now = Date.now();
        const want: ShareStatus | undefined = query.status;
        // `expired` is stored as approved; the status shown at `now` decides below.
        const stored: ShareStoredStatus[] | undefined = want === undefined ? undefined : [want === 'expired' ? 'approved' : want];
        const filter = { limit: 500, ...(stored ? { statuses: stored } : {}) };
        const approver = p.permissions.has('requests.approve');
        const all = approver
          ? await store.listShareRequests(filter)
          : await store.listShareRequests({ ...filter, requestedBy: p.actor, ...(p.userId !== null ? { requesterUserId: p.userId } : {}) });
        // The approver's area, once for the whole list (not once per request).
        const area = approver ? await allowedCameraIds(store, p) : null;
        const items = [];
        for (const x of all) {
          if (want !== undefined && shareStatusAt(x, now) !== want) continue;
          if (isRequester(p, x) || (approver && covers(area, x))) items.push(await view(x, now));
        }
        return { items };
      },
    });
    r.add({
      method: 'GET', url: '/api/requests/:id', tag: 'requests', permission: 'authenticated', params: idParams, summary: 'One request and its status', response: shareRequest,
      handler: async ({ principal, params }) => {
        mayUse(principal!);
        return view(await find(principal!, params.id));
      },
    });
    r.add({
      method: 'POST', url: '/api/requests/:id/approve', tag: 'requests', permission: 'requests.approve', params: idParams, body: approveBody,
      summary: 'Approve a pending request about your area (or one whose package failed): builds the signed package, shared until the expiry (audited). Recorded footage is built in the background: the request is `preparing` with its progress until it is `approved`',
      response: shareRequest,
      handler: async ({ req, principal, params, body }) => {
        const p = principal!;
        const x = await find(p, params.id);
        if (isRequester(p, x)) throw new HttpError(403, 'forbidden', 'you may not decide your own request');
        if (x.status !== 'pending' && x.status !== 'failed') throw new HttpError(409, 'conflict', `the request is ${shareStatusAt(x, Date.now())} already`);
        const now = Date.now();
        const expiresAtMs = body.expiresAtMs ?? now + cfg.defaultExpiryHours * 60 * MIN;
        if (expiresAtMs <= now) throw new HttpError(400, 'invalid_request', 'body.expiresAtMs: the expiry is in the past');
        if (expiresAtMs > now + cfg.maxExpiryDays * 1440 * MIN) throw new HttpError(400, 'invalid_request', `body.expiresAtMs: at most ${cfg.maxExpiryDays} days from now`);
        // A trace covers the cameras both the requester (when asking) and the approver may see.
        const mine = await allowedCameraIds(store, p);
        const traceCameras = x.area === null ? (mine === null ? null : [...mine]) : mine === null ? [...x.area] : x.area.filter((c) => mine.has(c));
        const k = await signingKeys();
        const decision = { approver: p.actor, approverName: p.username, decidedAtMs: now, expiresAtMs, reason: body.note ?? null };
        if (builtInBackground(x)) {
          const preparing = await store.updateShareRequest(x.id, x.status, {
            status: 'preparing', decidedBy: p.actor, deciderName: p.username, decidedAtMs: now, decisionReason: body.note ?? null, expiresAtMs, tokenHash: null, packageSha256: null, progress: 0, buildError: null,
          }, now);
          if (!preparing) throw new HttpError(409, 'conflict', 'the request was decided meanwhile');
          await ctx.audit(req, p, 'share.approve', x.id, { kind: x.kind, expiresAtMs, note: body.note, background: true });
          // The build's outcome is audited under the approver, from the approval's address (the request is gone by then).
          const origin = { ip: req.ip, headers: { 'user-agent': req.headers['user-agent'] } } as unknown as typeof req;
          builds.start(preparing, decision, traceCameras, (action, details) => ctx.audit(origin, p, action, x.id, details));
          return view(preparing, now);
        }
        const pkg = await buildSharePackage(store, roots, k, x, decision, traceCameras);
        const tokenHash = tokenHashOf(shareToken(k, x.id, now));
        const done = await store.updateShareRequest(x.id, 'pending', {
          status: 'approved', decidedBy: p.actor, deciderName: p.username, decidedAtMs: now, decisionReason: body.note ?? null, expiresAtMs, tokenHash, packageSha256: pkg.manifestSha256,
        }, now);
        if (!done) throw new HttpError(409, 'conflict', 'the request was decided meanwhile');
        await ctx.audit(req, p, 'share.approve', x.id, { kind: x.kind, expiresAtMs, tokenId: tokenIdOf(tokenHash), note: body.note });
        const privacy = pkg.privacy && { facesBlurred: Object.values(pkg.privacy.blurred).reduce((a, n) => a + n, 0), listedKept: Object.values(pkg.privacy.keptListed).reduce((a, n) => a + n, 0), unreadable: pkg.privacy.unreadable };
        await ctx.audit(req, p, 'share.package', x.id, { manifestSha256: pkg.manifestSha256, files: pkg.files.map((f) => f.path), keyId: k.keyId, ...(privacy ? { privacy } : {}) });
        return view(done, now);
      },
    });
    r.add({
      method: 'POST', url: '/api/requests/:id/refuse', tag: 'requests', permission: 'requests.approve', params: idParams, body: refuseBody,
      summary: 'Refuse a pending request about your area, with the reason the requester will read (audited)', response: shareRequest,
      handler: async ({ req, principal, params, body }) => {
        const p = principal!;
        const x = await find(p, params.id);
        if (isRequester(p, x)) throw new HttpError(403, 'forbidden', 'you may not decide your own request');
        const now = Date.now();
        const done = await store.updateShareRequest(x.id, 'pending', { status: 'refused', decidedBy: p.actor, deciderName: p.username, decidedAtMs: now, decisionReason: body.reason }, now);
        if (!done) throw new HttpError(409, 'conflict', `the request is ${shareStatusAt(x, now)} already`);
        await ctx.audit(req, p, 'share.refuse', x.id, { kind: x.kind, reason: body.reason });
        return view(done, now);
      },
    });
    r.add({
      method: 'POST', url: '/api/requests/:id/revoke', tag: 'requests', permission: 'requests.approve', params: idParams,
      summary: 'Stop sharing an approved request now: its package is deleted, its download and link answer 410 Gone (audited)', response: shareRequest,
      handler: async ({ req, principal, params }) => {
        const p = principal!;
        const x = await find(p, params.id);
        const now = Date.now();
        // A package still being built is revoked too: its build finds the request revoked and drops the package.
        const done = await store.updateShareRequest(x.id, x.status === 'preparing' ? 'preparing' : 'approved', { status: 'revoked', progress: null }, now);
        if (!done) throw new HttpError(409, 'conflict', `the request is ${shareStatusAt(x, now)}: nothing to revoke`);
        // Nothing is served again: the package's copy of the material goes (its manifest digest stays on the request).
        await rm(join(roots.shares, x.id), { recursive: true, force: true });
        await ctx.audit(req, p, 'share.revoke', x.id, { kind: x.kind, tokenId: x.tokenHash ? tokenIdOf(x.tokenHash) : null });
        return view(done, now);
      },
    });
    r.add({
      method: 'GET', url: '/api/requests/:id/package', tag: 'requests', permission: 'authenticated', params: idParams,
      summary: 'The signed package of an approved request, until it expires (410 after; every download audited)', response: TAR,
      handler: async ({ req, reply, principal, params }) => {
        const p = principal!;
        mayUse(p);
        const x = await find(p, params.id);
        assertServable(x, Date.now());
        await ctx.audit(req, p, 'share.download', x.id, { kind: x.kind, manifestSha256: x.packageSha256 });
        return sendPackage(reply, x);
      },
    });
    r.add({
      method: 'GET', url: '/api/shares/:token', tag: 'requests', permission: 'public', params: tokenParams,
      summary: 'A read-only link: the signed package without signing in, until it expires or is revoked (410 after; rate-limited; every look audited)', response: TAR,
      handler: async ({ req, reply, params }) => {
        const now = Date.now();
        if (!links.hit(`share|${req.ip}`, cfg.linkViewsPerMinute, now)) {
          const retryAfterSec = links.retryAfterSec(`share|${req.ip}`, now);
          throw new HttpError(429, 'rate_limited', `too many link requests from this address; retry in ${retryAfterSec} s`, retryAfterSec);
        }
        const hash = tokenHashOf(params.token);
        const x = await store.getShareRequestByToken(hash);
        if (!x) throw notFound('share link');
        const tokenId = tokenIdOf(hash);
        const status = shareStatusAt(x, now);
        await ctx.audit(req, { actor: `share:${tokenId}`, username: 'read-only link' }, 'share.view', x.id, { tokenId, status, served: status === 'approved' });
        assertServable(x, now);
        return sendPackage(reply, x);
      },
    });
  };
}

/**
 * Evidence download (audited exports): one evidence record of a violation as a file — a signed package folder
 * comes as one tar of its files (manifest.json and manifest.sig included, ready for `argus evidence verify`) —
 * and any single file of a package (the manifest, its signature, a still, the clip). Ids are strict patterns;
 * the stored path must resolve inside `<data>/evidence` (links followed) or the answer is 404 and nothing is read.
 * Every download is audited before a byte is sent, whatever its Range: a package tar each time, a single file once
 * per actor and file in the look window (a player seeking the clip is one look).
 */
import { stat } from 'node:fs/promises';
import { z } from 'zod';
import { content } from '../../contract/common.js';
import type { EvidenceRecord, ViolationDetail } from '../../store/store.js';
import type { ServerContext } from '../context.js';
import { attachment, contentTypeOf, EVIDENCE_CONTENT_TYPES, PACKAGE_FILE, packageFile, packageFiles, resolveEvidencePath } from '../evidence-files.js';
import { HttpError, notFound } from '../http.js';
import type { LookThrottle } from '../look-throttle.js';
import { sendFileRange } from '../range.js';
import type { Principal } from '../rbac.js';
import { idText, reason } from '../schemas.js';
import { assertCameraVisible } from '../scope.js';
import { tarLength, tarStream } from '../tar.js';

const evidenceParams = z.strictObject({ id: idText, evidenceId: idText });
/** Faces are pixelated in an export unless the officer asks for the original, with a reason (audited as face.unblur). */
const exportQuery = z.strictObject({
  original: z.enum(['true']).optional().describe('The stored files as they are, faces unblurred (needs a reason; audited as face.unblur)'),
  reason: reason.optional().describe('Why the faces are needed (with original=true)'),
});
const BLURRED = /\.(jpe?g|mp4)$/i;
const fileParams = z.strictObject({ id: idText, evidenceId: idText, file: z.string().regex(PACKAGE_FILE, 'not a file name of an evidence package') });

/** `looks`: folds repeated reads of one file by one actor into one audit row (footage.ts owns it). */
export function evidenceRoutes(ctx: ServerContext, evidenceRoot: string, looks: LookThrottle): void {
  const { router: r, store } = ctx;

  /** Whether this export is of the originals: checks the permission and the reason, and audits the unblurring. */
  const wantsOriginal = async (req: Parameters<typeof ctx.audit>[0], principal: Principal, q: z.infer<typeof exportQuery>, v: ViolationDetail, what: string): Promise<boolean> => {
    if (q.original !== 'true') return false;
    if (!q.reason) throw new HttpError(400, 'invalid_request', 'query.reason: say why the faces are needed (it is audited)');
    await ctx.audit(req, principal, 'face.unblur', v.id, { cameraId: v.cameraId, what, reason: q.reason });
    return true;
  };

  /** The violation (in the caller's scope), its evidence record and where it is on disk. */
  const locate = async (principal: Parameters<typeof assertCameraVisible>[1], id: string, evidenceId: string): Promise<{ v: ViolationDetail; e: EvidenceRecord; abs: string }> => {
    const v = await store.getViolation(id);
    if (!v) throw notFound('violation');
    await assertCameraVisible(store, principal, v.cameraId);
    const e = v.evidence.find((x) => x.id === evidenceId);
    if (!e) throw notFound('evidence');
    // Scaled mode: the package is copied from the object store into this replica's evidence folder on first need.
    if (e.kind === 'manifest') await ctx.materialiseEvidence?.(e.path, e.sha256);
    const abs = await resolveEvidencePath(evidenceRoot, e.path);
    if (!abs) {
      ctx.log.warn({ violationId: v.id, evidenceId: e.id }, 'evidence path is missing or outside the evidence folder');
      throw notFound('evidence file');
    }
    return { v, e, abs };
  };

  r.add({
    method: 'GET', url: '/api/violations/:id/evidence/:evidenceId', tag: 'violations', permission: 'violations.read',
    summary: 'Download one evidence item of a violation (a signed package as a tar of its files; audited export). Faces of people on no face watch list are pixelated in the pictures and the clip (privacy.json says what), unless original=true with a reason (audited)',
    params: evidenceParams, query: exportQuery,
    response: content(EVIDENCE_CONTENT_TYPES, 'The evidence file with its own type, or a signed package as application/x-tar'),
    handler: async ({ req, reply, principal, params, query }) => {
      const { v, e, abs } = await locate(principal!, params.id, params.evidenceId);
      const st = await stat(abs);
      if (st.isDirectory()) {
        const original = await wantsOriginal(req, principal!, query, v, `evidence ${e.id}`);
        const stored = await packageFiles(abs);
        const files = original ? stored : (await ctx.faces.privacyCopy(stored)).files;
        await ctx.audit(req, principal, 'export.evidence', v.id, { cameraId: v.cameraId, evidenceId: e.id, kind: e.kind, files: files.length, facesBlurred: !original });
        return reply
          .type('application/x-tar')
          .header('content-disposition', attachment(`${v.id}-evidence.tar`))
          .header('content-length', tarLength(files))
          .send(tarStream(v.id, files));
      }
      if (!st.isFile()) throw notFound('evidence file');
      if (BLURRED.test(abs) && !(await wantsOriginal(req, principal!, query, v, `evidence ${e.id}`))) {
        const [copy] = (await ctx.faces.privacyCopy([{ name: abs.slice(abs.lastIndexOf('/') + 1), path: abs, bytes: st.size, mtimeMs: st.mtimeMs }])).files.filter((f) => f.name !== 'privacy.json');
        await ctx.audit(req, principal, 'export.evidence', v.id, { cameraId: v.cameraId, evidenceId: e.id, kind: e.kind, facesBlurred: true });
        return sendFileRange(req, reply.header('content-disposition', attachment(`${v.id}-${copy!.name}`)), copy!.path, contentTypeOf(copy!.name));
      }
      await looks.cover(`${principal!.actor}|evidence|${v.id}|${e.id}`, () => ctx.audit(req, principal, 'export.evidence', v.id, { cameraId: v.cameraId, evidenceId: e.id, kind: e.kind }));
      const name = abs.slice(abs.lastIndexOf('/') + 1);
      return sendFileRange(req, reply.header('content-disposition', attachment(`${v.id}-${name}`)), abs, contentTypeOf(name));
    },
  });

  r.add({
    method: 'GET', url: '/api/violations/:id/evidence/:evidenceId/files/:file', tag: 'violations', permission: 'violations.read',
    summary: 'Download one file of an evidence package: manifest.json, manifest.sig, a still, the clip (audited export); faces pixelated in stills and the clip unless original=true with a reason (audited)',
    params: fileParams, query: exportQuery,
    response: content(EVIDENCE_CONTENT_TYPES, 'The file with its own type: manifest.json and manifest.sig application/json, stills image/jpeg, the clip video/mp4'),
    handler: async ({ req, reply, principal, params, query }) => {
      const { v, e, abs } = await locate(principal!, params.id, params.evidenceId);
      if (!(await stat(abs)).isDirectory()) throw new HttpError(404, 'not_found', 'this evidence item is a single file, not a package');
      const stored = await packageFile(abs, params.file);
      if (!stored) throw notFound('evidence file');
      const blur = BLURRED.test(stored.name) && !(await wantsOriginal(req, principal!, query, v, `evidence ${e.id} ${stored.name}`));
      const f = blur ? (await ctx.faces.privacyCopy([stored])).files.find((x) => x.name === stored.name)! : stored;
      // A player that gave up while the copy was made (a clip takes seconds the first time) gets nothing more.
      if (req.socket.destroyed) return reply;
      // Every request is covered, whatever its Range; a player's seeking folds into the actor's one look at the file.
      await looks.cover(`${principal!.actor}|evidence|${v.id}|${e.id}|${f.name}`, () => ctx.audit(req, principal, 'export.evidence', v.id, { cameraId: v.cameraId, evidenceId: e.id, file: f.name }));
      return sendFileRange(req, reply.header('content-disposition', attachment(`${v.id}-${f.name}`)), f.path, contentTypeOf(f.name));
    },
  });
}

/**
 * What an approved request shares, gathered into a signed package (src/evidence/share-package.ts): footage = the
 * camera's recorded segments of the window (those reaching outside it cut to it); a plate trace = the plate's
 * sightings in the window on cameras both the requester and the approver may see, as JSON (with the GeoJSON route) and
 * CSV; evidence = the violation (JSON) and the files of its signed evidence package (its own manifest and signature
 * renamed `evidence-manifest.json` / `evidence-manifest.sig`, so both signatures can be checked). Every package
 * also holds request.json. In shared evidence, faces of people on no face watch list are pixelated in its pictures and
 * clip (with privacy.json), as in every export of evidence, and so are they in shared recorded footage (built in the
 * background: sharing/builds.ts): a partner never gets the unblurred original.
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ArgusError } from '../../core/errors.js';
import { cutClip } from '../../evidence/clip.js';
import type { EvidenceKeyPair } from '../../evidence/keys.js';
import { MANIFEST_FILE, SIGNATURE_FILE } from '../../evidence/manifest.js';
import { writeSharePackage, type PackageInput, type SignedPackage } from '../../evidence/share-package.js';
import type { Page, SightingRecord, ShareRequestRecord, Store } from '../../store/store.js';
import { packageFiles, resolveEvidencePath, type PackageFile } from '../evidence-files.js';
import type { PrivacyReport } from '../faces.js';
import { HttpError } from '../http.js';
import { listSegments } from '../recordings.js';
import type { RecordingSegmentInfo } from '../../pipeline/worker/protocol.js';
import type { RemoteRecordings } from '../scaled/worker-rpc.js';
import { routeOf } from '../routes/plates.js';
import { segmentName } from '../../video/segment-names.js';

/** Shares of a package build's progress: the material gathered (recordings cut or copied), and the package signed. */
const GATHERED = 0.05;
const SIGNING = 0.05;

/** The most sightings a shared trace holds. */
export const MAX_TRACE_SIGHTINGS = 10_000;

export interface MaterialRoots {
  readonly recordings: string;
  readonly evidence: string;
  readonly shares: string;
  /**
   * Scaled mode: the recordings of a camera kept on the worker that runs it (undefined: none for this camera), listed
   * and copied through the worker's RPCs (server/scaled/worker-rpc.ts) with their length checked.
   */
  readonly remote?: (cameraId: string) => RemoteRecordings | undefined;
  /**
   * Copies of the package's pictures and clips with the faces of people on no face watch list pixelated
   * (FacesService.privateCopy; `onProgress`: the share of it done, 0–1); undefined: the files as they are. A partner
   * always gets the blurred copy.
   */
  readonly privacy?: (files: readonly PackageFile[], note: string, onProgress?: (done: number) => void) => Promise<{ files: PackageFile[]; report: PrivacyReport; dispose(): Promise<void> }>;
}

/** What privacy.json says in a share package whose pictures were blurred. */
export const SHARE_PRIVACY_NOTE = 'Faces of people not on a face watch list are pixelated in the pictures and clips of this package (Decree 13/2023/ND-CP): it was made for the requesting agency and its manifest.json covers these copies. Where it holds a violation\'s evidence, evidence-manifest.json lists the sha256 of the ORIGINAL files, kept unchanged by the agency that recorded them.';

/** What the package holds after the faces were blurred: its files, and the counts (null: no picture to look at). */
async function blurred(roots: MaterialRoots, files: readonly PackageInput[], onProgress?: (done: number) => void): Promise<{ files: PackageInput[]; report: PrivacyReport | null; dispose(): Promise<void> }> {
  const pictures = files.filter((f): f is { name: string; from: string } => 'from' in f && /\.(jpe?g|mp4)$/i.test(f.name));
  if (!roots.privacy || pictures.length === 0) return { files: [...files], report: null, dispose: async () => undefined };
  const listed = await Promise.all(pictures.map(async (f) => {
    const st = await stat(f.from);
    return { name: f.name, path: f.from, bytes: st.size, mtimeMs: st.mtimeMs };
  }));
  const copy = await roots.privacy(listed, SHARE_PRIVACY_NOTE, onProgress);
  const byName = new Map(copy.files.map((f) => [f.name, f]));
  const out: PackageInput[] = files.map((f) => (byName.has(f.name) ? { name: f.name, from: byName.get(f.name)!.path } : f));
  const extra = byName.get('privacy.json');
  if (extra) out.push({ name: 'privacy.json', from: extra.path });
  return { files: out, report: copy.report, dispose: copy.dispose };
}


/** The decision as the package names it. */
export interface ShareDecision {
  readonly approver: string;
  readonly approverName: string;
  readonly decidedAtMs: number;
  readonly expiresAtMs: number;
  readonly reason: string | null;
}

const csvCell = (v: string | number | null): string => {
  const s = v === null ? '' : String(v);
  return /[",\n\r]/.test(s) || /^[=+\-@]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** `cameraIds`: the cameras the trace may cover (null: all). */
async function traceFiles(store: Store, r: ShareRequestRecord, cameraIds: readonly string[] | null): Promise<PackageInput[]> {
  const items: SightingRecord[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<SightingRecord> = await store.listSightings({ plateKey: r.plateKey!, fromMs: r.fromMs!, toMs: r.toMs!, ...(cameraIds ? { cameraIds: [...cameraIds] } : {}), limit: 1000, ...(cursor ? { cursor } : {}) });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null && items.length < MAX_TRACE_SIGHTINGS);
  const timeline = items.slice(0, MAX_TRACE_SIGHTINGS).sort((a, b) => a.atMs - b.atMs);
  const cams = new Map((await store.listCameras()).map((c) => [c.id, c]));
  const rows = timeline.map((s) => ({
    atMs: s.atMs, at: new Date(s.atMs).toISOString(), cameraId: s.cameraId, cameraName: cams.get(s.cameraId)?.name ?? null, plate: s.display,
    confidence: s.confidence, cls: s.cls, direction: s.direction, location: cams.get(s.cameraId)?.location ?? null,
  }));
  const json = { plate: r.plateKey, fromMs: r.fromMs, toMs: r.toMs, sightings: rows, route: routeOf(timeline, cams), truncated: cursor !== null };
  const csv = ['time_utc,camera_id,camera_name,plate,confidence,class,lat,lng', ...rows.map((x) =>
    [x.at, x.cameraId, x.cameraName, x.plate, x.confidence, x.cls, x.location?.lat ?? null, x.location?.lng ?? null].map(csvCell).join(','))].join('\r\n');
  return [
    { name: 'trace.json', content: Buffer.from(`${JSON.stringify(json, null, 2)}\n`) },
    { name: 'trace.csv', content: Buffer.from(`\ufeff${csv}\r\n`) },
  ];
}

/**
 * The recorded segments of the window: a segment wholly inside it as recorded; one that reaches outside it (the first,
 * the last) cut to the window (re-encoded: exact cut points), named by the time its piece starts. `work`: a scratch
 * folder for the cuts (the caller removes it).
 */
async function footageFiles(roots: MaterialRoots, r: ShareRequestRecord, work: string): Promise<PackageInput[]> {
  await mkdir(work, { recursive: true });
  // Recorded here, or (scaled mode) on the worker that runs the camera: then copied here first, then cut as local ones.
  let segs: readonly RecordingSegmentInfo[] = await listSegments(roots.recordings, r.cameraId!, r.fromMs!, r.toMs!);
  let all: readonly RecordingSegmentInfo[] = segs.length > 0 ? await listSegments(roots.recordings, r.cameraId!) : [];
  let sourceOf = (file: string): Promise<string> => Promise.resolve(join(roots.recordings, r.cameraId!, file));
  const remote = segs.length === 0 ? roots.remote?.(r.cameraId!) : undefined;
  if (remote) {
    segs = await remote.list(r.fromMs!, r.toMs!);
    all = await remote.list(r.fromMs!);
    sourceOf = async (file) => {
      const seg = segs.find((x) => x.file === file)!;
      const copy = join(work, `src-${file}`);
      await remote.fetch(seg, copy);
      return copy;
    };
  }
  if (segs.length === 0) throw new HttpError(409, 'conflict', `camera ${r.cameraId}: nothing was recorded in the window${remote ? ` (asked ${remote.where})` : ''}; refuse the request instead`);
  const out: PackageInput[] = [];
  for (const s of segs) {
    const source = await sourceOf(s.file);
    // A segment lasts until the next one starts; the last one's end is not known (it is cut when it might reach out).
    const endMs = all.find((x) => x.startMs > s.startMs)?.startMs ?? null;
    if (s.startMs >= r.fromMs! && endMs !== null && endMs <= r.toMs!) {
      out.push({ name: s.file, from: source });
      continue;
    }
    const fromMs = Math.max(r.fromMs!, s.startMs);
    const name = segmentName(fromMs);
    try {
      await cutClip({ source, fromSec: (fromMs - s.startMs) / 1000, toSec: (r.toMs! - s.startMs) / 1000, out: join(work, name) });
    } catch (e) {
      if (e instanceof ArgusError && e.code === 'source_not_video') continue; // the segment ends before the window starts
      if (e instanceof ArgusError && e.code === 'source_corrupt') throw new HttpError(409, 'conflict', `the recording ${s.file} cannot be cut (${e.message.slice(-200)})`);
      throw e;
    }
    out.push({ name, from: join(work, name) });
  }
  if (out.length === 0) throw new HttpError(409, 'conflict', `camera ${r.cameraId}: nothing was recorded in the window; refuse the request instead`);
  return out;
}

async function evidenceFiles(store: Store, roots: MaterialRoots, r: ShareRequestRecord): Promise<PackageInput[]> {
  const v = await store.getViolation(r.violationId!);
  if (!v) throw new HttpError(409, 'conflict', `violation ${r.violationId} is gone`);
  const { evidence, history, ...facts } = v;
  const out: PackageInput[] = [{ name: 'violation.json', content: Buffer.from(`${JSON.stringify({ ...facts, history }, null, 2)}\n`) }];
  for (const e of evidence.filter((x) => x.kind === 'manifest')) {
    const dir = await resolveEvidencePath(roots.evidence, e.path);
    if (!dir) continue;
    for (const f of await packageFiles(dir)) {
      const name = f.name === MANIFEST_FILE ? 'evidence-manifest.json' : f.name === SIGNATURE_FILE ? 'evidence-manifest.sig' : f.name;
      if (!out.some((o) => o.name === name)) out.push({ name, from: f.path });
    }
  }
  return out;
}

/** The request as request.json and the manifest's `share` name it. */
export const shareFacts = (r: ShareRequestRecord, d: ShareDecision): Record<string, string | number | null> => ({
  requestId: r.id, kind: r.kind, cameraId: r.cameraId, plate: r.plateKey, violationId: r.violationId, fromMs: r.fromMs, toMs: r.toMs,
  reason: r.reason, legalBasis: r.legalBasis, agency: r.agency, requestedBy: r.requesterName, requestedAtMs: r.createdAtMs,
  approvedBy: d.approverName, approvedAtMs: d.decidedAtMs, approvalNote: d.reason, expiresAtMs: d.expiresAtMs, expiresAt: new Date(d.expiresAtMs).toISOString(),
});

/** Requests whose package is built in the background (sharing/builds.ts): recorded footage, looked through for faces. */
export const builtInBackground = (r: Pick<ShareRequestRecord, 'kind'>): boolean => r.kind === 'footage';

/**
 * Builds the signed package of `r` in `<shares>/<id>` (`traceCameras`: the cameras a trace may cover, null: all), its
 * pictures and clips — recorded footage and evidence alike — with unlisted faces pixelated when `roots.privacy` is set
 * (`privacy`: what was blurred). `onProgress`: the share done, 0–1 (the recordings gathered, then their frames looked through).
 */
export async function buildSharePackage(
  store: Store, roots: MaterialRoots, keys: EvidenceKeyPair, r: ShareRequestRecord, d: ShareDecision, traceCameras: readonly string[] | null,
  onProgress?: (done: number) => void,
): Promise<SignedPackage & { privacy: PrivacyReport | null }> {
  const work = join(roots.shares, `.cut-${r.id}-${process.pid}-${Date.now()}`);
  let dispose = async (): Promise<void> => undefined;
  try {
    const raw = r.kind === 'footage' ? await footageFiles(roots, r, work)
      : r.kind === 'plate_trace' ? await traceFiles(store, r, traceCameras)
      : await evidenceFiles(store, roots, r);
    onProgress?.(GATHERED);
    // Pictures and clips leave with unlisted faces pixelated: evidence as every export of it, recorded footage too
    // (hours of video: its package is built apart from the approval, sharing/builds.ts). A trace holds no picture.
    const safe = r.kind === 'plate_trace' ? { files: raw, report: null, dispose: async () => undefined } : await blurred(roots, raw, (done) => onProgress?.(GATHERED + (1 - GATHERED - SIGNING) * done));
    dispose = safe.dispose;
    const facts = shareFacts(r, d);
    onProgress?.(1 - SIGNING);
    const pkg = await writeSharePackage(join(roots.shares, r.id), `share-${r.id}`, facts, [...safe.files, { name: 'request.json', content: Buffer.from(`${JSON.stringify(facts, null, 2)}\n`) }], keys, new Date(d.decidedAtMs));
    return { ...pkg, privacy: safe.report };
  } catch (e) {
    throw e instanceof ArgusError && e.code === 'io_failed' ? new HttpError(409, 'conflict', 'the package of this request is being built or exists already') : e;
  } finally {
    await dispose();
    await rm(work, { recursive: true, force: true });
  }
}

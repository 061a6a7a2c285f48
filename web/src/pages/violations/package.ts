/**
 * An evidence package as the viewer shows it: manifest.json lists the files (name, SHA-256, size); metadata.json
 * (one of them) says which file plays which role. Without metadata the writer's file names are used
 * (src/evidence/writer.ts EVIDENCE_FILES). Only files the manifest lists are ever asked for.
 */
export interface ManifestFile { readonly path: string; readonly sha256: string; readonly bytes: number }
export interface Manifest { readonly format: string; readonly violationId: string; readonly createdAt: string; readonly files: readonly ManifestFile[] }
export interface Signature { readonly algorithm: string; readonly keyId: string }

export type StillRole = 'approach' | 'moment' | 'after';
export interface Still { readonly role: StillRole; readonly file: string; readonly atMs: number | null }
export interface EvidencePackage {
  readonly manifest: Manifest;
  readonly stills: readonly Still[];
  readonly plate: { readonly file: string; readonly vehicle: boolean } | null;
  readonly composite: string | null;
  readonly clip: { readonly file: string; readonly durationSec: number | null } | null;
  /** What the package itself says (signed): rule, place, time, measurements. */
  readonly facts: {
    readonly ruleId: string | null;
    readonly camera: string | null;
    readonly address: string | null;
    readonly atMs: number | null;
    readonly measurements: ReadonlyArray<readonly [string, string]>;
  };
}

export const MANIFEST = 'manifest.json';
export const SIGNATURE = 'manifest.sig';
export const METADATA = 'metadata.json';
const ROLES: readonly StillRole[] = ['approach', 'moment', 'after'];
const FALLBACK: Record<StillRole | 'plate' | 'composite', RegExp> = {
  approach: /^1-/, moment: /^2-/, after: /^3-/, plate: /^4-/, composite: /^composite\./,
};

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const ms = (v: unknown): number | null => {
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isFinite(t) ? t : null;
};

/** The manifest, or null when the bytes are not an Argus evidence manifest. */
export function parseManifest(text: string): Manifest | null {
  let m: Record<string, unknown>;
  try {
    m = obj(JSON.parse(text));
  } catch {
    return null;
  }
  if (typeof m.format !== 'string' || !m.format.startsWith('argus-evidence-manifest/') || !Array.isArray(m.files)) return null;
  const files = (m.files as unknown[]).map(obj).filter((f) => typeof f.path === 'string' && typeof f.sha256 === 'string')
    .map((f) => ({ path: f.path as string, sha256: f.sha256 as string, bytes: num(f.bytes) ?? 0 }));
  return { format: m.format, violationId: str(m.violationId) ?? '', createdAt: str(m.createdAt) ?? '', files };
}

export function parseSignature(v: unknown): Signature | null {
  const s = obj(v);
  return typeof s.algorithm === 'string' && typeof s.keyId === 'string' && typeof s.signature === 'string' ? { algorithm: s.algorithm, keyId: s.keyId } : null;
}

/** Roles of the files: from metadata.json when given, else from the writer's names; always among the manifest's files. */
export function describePackage(manifest: Manifest, metadata: unknown): EvidencePackage {
  const listed = new Set(manifest.files.map((f) => f.path));
  const pick = (name: unknown): string | null => (typeof name === 'string' && listed.has(name) ? name : null);
  const byName = (re: RegExp): string | null => manifest.files.find((f) => re.test(f.path))?.path ?? null;
  const md = obj(metadata);
  const frames = obj(md.frames);
  const stills = ROLES.flatMap((role): Still[] => {
    const f = obj(frames[role]);
    const file = pick(f.file) ?? byName(FALLBACK[role]);
    return file ? [{ role, file, atMs: ms(f.capturedAtUtc) }] : [];
  });
  const pc = obj(md.plateCloseUp);
  const plateFile = pick(pc.file) ?? byName(FALLBACK.plate);
  const clipMd = obj(md.clip);
  const clipFile = pick(clipMd.file) ?? byName(/\.(mp4|webm|mov|mkv)$/i);
  const v = obj(md.violation);
  const measurements = Object.entries(obj(v.measurements))
    .filter(([, x]) => ['string', 'number', 'boolean'].includes(typeof x))
    .map(([k, x]) => [k, String(x)] as const);
  return {
    manifest,
    stills,
    plate: plateFile ? { file: plateFile, vehicle: pc.source === 'vehicle_box' } : null,
    composite: pick(md.composite) ?? byName(FALLBACK.composite),
    clip: clipFile ? { file: clipFile, durationSec: num(clipMd.durationSec) } : null,
    facts: {
      ruleId: str(obj(md.rule).id),
      camera: str(obj(md.camera).name),
      address: str(obj(md.location).address),
      atMs: ms(obj(md.time).utc),
      measurements,
    },
  };
}

/** Hex SHA-256 of bytes, or null where the browser offers no WebCrypto (plain http on a LAN address). */
export async function sha256Hex(bytes: ArrayBuffer): Promise<string | null> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return null;
  const d = new Uint8Array(await subtle.digest('SHA-256', bytes));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

const enc = encodeURIComponent;
export const packageUrl = (violationId: string, evidenceId: string): string => `/api/violations/${enc(violationId)}/evidence/${enc(evidenceId)}`;
export const fileUrl = (violationId: string, evidenceId: string, file: string): string => `${packageUrl(violationId, evidenceId)}/files/${enc(file)}`;

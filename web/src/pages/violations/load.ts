/** Fetches what the viewer needs of one package: manifest.json (bytes, to check its SHA-256), metadata.json, manifest.sig. */
import { describePackage, fileUrl, MANIFEST, METADATA, parseManifest, parseSignature, sha256Hex, SIGNATURE, type EvidencePackage, type Signature } from './package';

export type Integrity = 'match' | 'mismatch' | 'unchecked';
export type Loaded =
  | { readonly state: 'loading' }
  | { readonly state: 'missing' }
  | { readonly state: 'invalid' }
  | { readonly state: 'error'; readonly message: string }
  | { readonly state: 'ready'; readonly pkg: EvidencePackage; readonly manifestSha256: string | null; readonly integrity: Integrity; readonly signature: Signature | null };

const fetchFile = (violationId: string, evidenceId: string, file: string, signal: AbortSignal): Promise<Response> =>
  fetch(fileUrl(violationId, evidenceId, file), { credentials: 'same-origin', signal });

async function jsonOrNull(res: Response): Promise<unknown> {
  if (!res.ok) return null;
  try {
    return (await res.json()) as unknown;
  } catch {
    return null;
  }
}

/** `recordSha256`: the manifest hash the database holds for this package ('' when none was recorded). */
export async function loadPackage(violationId: string, evidenceId: string, recordSha256: string, signal: AbortSignal): Promise<Loaded> {
  const res = await fetchFile(violationId, evidenceId, MANIFEST, signal);
  if (res.status === 404) return { state: 'missing' };
  if (!res.ok) return { state: 'error', message: `HTTP ${res.status}` };
  const bytes = await res.arrayBuffer();
  const manifest = parseManifest(new TextDecoder().decode(bytes));
  if (!manifest) return { state: 'invalid' };
  const hasMetadata = manifest.files.some((f) => f.path === METADATA);
  const [manifestSha256, metadata, sig] = await Promise.all([
    sha256Hex(bytes),
    hasMetadata ? fetchFile(violationId, evidenceId, METADATA, signal).then(jsonOrNull) : Promise.resolve(null),
    fetchFile(violationId, evidenceId, SIGNATURE, signal).then(jsonOrNull),
  ]);
  const integrity: Integrity = !manifestSha256 || !recordSha256 ? 'unchecked' : manifestSha256 === recordSha256.toLowerCase() ? 'match' : 'mismatch';
  return { state: 'ready', pkg: describePackage(manifest, metadata), manifestSha256, integrity, signature: parseSignature(sig) };
}

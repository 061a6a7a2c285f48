export { writeEvidence, EVIDENCE_FILES, DEFAULT_TIMEZONE } from './writer.js';
export { FrameRing, pickStills, type TimedFrame, type StillTimes } from './frames.js';
export { verifyEvidence, verifyEvidenceTree, type TreeEntry, type VerifyTreeResult } from './verify.js';
export { cutClip, cutClipArgs, probeDurationSec, readFrameRgb, type CutClipOptions, type CutClipResult } from './clip.js';
export {
  loadOrCreateKeyPair,
  exportPublicKeyPem,
  parsePublicKey,
  readPublicKeyFile,
  keyIdOf,
  PRIVATE_KEY_FILE,
  PUBLIC_KEY_FILE,
  type EvidenceKeyPair,
} from './keys.js';
export { canonicalJson, MANIFEST_FILE, SIGNATURE_FILE, type Manifest, type ManifestEntry, type ManifestSignature } from './manifest.js';
export { kindLabel, classLabel, localTime, type ViEn } from './text.js';
export type * from './types.js';

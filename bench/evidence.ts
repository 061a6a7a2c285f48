import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cutClip, loadOrCreateKeyPair, readFrameRgb, verifyEvidence, writeEvidence } from '../src/evidence/index.js';

const ASSETS = process.env.ARGUS_ASSETS ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/assets');
const VIDEO = join(ASSETS, 'videos', 'opencv4nodejs_traffic.mp4');

const round = (x: number): number => Math.round(x * 10) / 10;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

/**
 * Cost of one violation's evidence on 640×360 real frames: clip cut (5.5 s, H.264 re-encode), writing
 * (3 stills, close-up, composite, metadata, manifest, signature) and verification. Milliseconds, medians.
 */
export async function evidenceWriteVerify(runs = 5): Promise<Record<string, number | string>> {
  const work = await mkdtemp(join(tmpdir(), 'argus-bench-evidence-'));
  try {
    const keys = await loadOrCreateKeyPair(join(work, 'keys'));
    const frames = await Promise.all([4, 5, 6].map((atSec) => readFrameRgb({ source: VIDEO, atSec })));
    const cut: number[] = [];
    const write: number[] = [];
    const verify: number[] = [];
    let files = 0;
    for (let i = 0; i < runs; i++) {
      let t = performance.now();
      const clip = await cutClip({ source: VIDEO, fromSec: 2.5, toSec: 8, out: join(work, `clip-${i}.mp4`) });
      cut.push(performance.now() - t);
      const frame = (k: number) => ({ ...frames[k]!, capturedAtMs: 1_700_000_000_000 + k * 1000, vehicleBox: { x1: 344, y1: 217, x2: 508, y2: 284 } });
      t = performance.now();
      const ref = await writeEvidence({
        dir: join(work, 'evidence'),
        violation: { id: `BENCH${i}`, kind: 'speeding', atMs: 1_700_000_001_000, cameraId: 'cam', trackId: 1, cls: 'car', plate: '92A-123.45', measurements: { speedKmh: 78.4, limitKmh: 60 }, ruleId: 'speed' },
        frames: { approach: frame(0), moment: frame(1), after: frame(2) },
        clipPath: clip.out,
        place: { cameraName: 'Camera bench', address: 'Quốc lộ 1A' },
        signer: keys,
      });
      write.push(performance.now() - t);
      t = performance.now();
      const r = await verifyEvidence(ref.dir, keys.publicKey);
      verify.push(performance.now() - t);
      if (!r.ok) throw new Error(`bench evidence did not verify: ${JSON.stringify(r.problems)}`);
      files = ref.files.length;
    }
    return { frames: '640x360', runs, cutClipMs: round(median(cut)), writeEvidenceMs: round(median(write)), verifyEvidenceMs: round(median(verify)), filesPerEvidence: files };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { isArgusError } from '../core/errors.js';
import { cutClip } from './clip.js';
import type { EvidenceKeyPair } from './keys.js';
import { stillBands } from './render.js';
import { CAR_TRACK, carFrames, newKeys, speedingInput, tempDir, TRAFFIC_VIDEO } from './testing/fixture.js';
import type { EvidenceRef as CoreEvidenceRef, ViolationEvent } from '../core/violation.js';
import { verifyEvidence } from './verify.js';
import { EVIDENCE_FILES, writeEvidence } from './writer.js';
import type { WrittenEvidence } from './types.js';

describe('writeEvidence', () => {
  let keys: EvidenceKeyPair;
  let parent: string;
  let ref: WrittenEvidence;

  beforeAll(async () => {
    keys = await newKeys();
    parent = await tempDir('evidence');
    ref = await writeEvidence(await speedingInput(parent, keys));
  });

  it('writes every evidence file into DIR/<violationId>/ and nothing else', async () => {
    expect(ref.dir).toBe(join(parent, '01JDTEST0000000000000000AA'));
    const names = (await readdir(ref.dir)).sort();
    expect(names).toEqual(
      ['1-approach.jpg', '2-moment.jpg', '3-after.jpg', '4-plate.jpg', 'clip.mp4', 'composite.jpg', 'manifest.json', 'manifest.sig', 'metadata.json'].sort(),
    );
    expect([...ref.files].sort()).toEqual(names);
    expect(await readdir(parent)).toEqual(['01JDTEST0000000000000000AA']);
  });

  it('produces evidence that verifies with the signer public key', async () => {
    const r = await verifyEvidence(ref.dir, keys.publicKeyPem);
    expect(r).toEqual({ ok: true, problems: [], keyId: keys.keyId, keyTrusted: true });
  });

  it('renders the stills as JPEGs taller than the frame (info bands) and a composite of the four pictures', async () => {
    for (const f of [EVIDENCE_FILES.approach, EVIDENCE_FILES.moment, EVIDENCE_FILES.after]) {
      const m = await sharp(join(ref.dir, f)).metadata();
      expect(m.format).toBe('jpeg');
      expect(m.width).toBe(640);
      expect(m.height).toBeGreaterThan(360);
    }
    const c = await sharp(join(ref.dir, EVIDENCE_FILES.composite)).metadata();
    expect(c.format).toBe('jpeg');
    expect(c.width).toBeGreaterThanOrEqual(2 * 640);
    const p = await sharp(join(ref.dir, EVIDENCE_FILES.plate)).metadata();
    expect(p.height).toBeGreaterThanOrEqual(160);
  });

  it('draws the vehicle box in red on the moment still, where the real frame has no red', async () => {
    const { data, info } = await sharp(join(ref.dir, EVIDENCE_FILES.moment)).raw().toBuffer({ resolveWithObject: true });
    const [, moment] = await carFrames();
    const { topH, botH } = stillBands(640);
    expect(info.height).toBe(360 + topH + botH);
    const isRed = (r: number, g: number, b: number) => r > 150 && r > g + 70 && r > b + 50;
    let onStill = 0;
    let onFrame = 0;
    // Left edge of the car box (x = 344), half-way down it.
    for (let y = 235; y < 270; y++) {
      const xs = [342, 343, 344, 345, 346];
      const i = (x: number) => ((y + topH) * info.width + x) * info.channels;
      const j = (x: number) => (y * 640 + x) * 3;
      if (xs.some((x) => isRed(data[i(x)]!, data[i(x) + 1]!, data[i(x) + 2]!))) onStill++;
      if (xs.some((x) => isRed(moment!.rgb[j(x)]!, moment!.rgb[j(x) + 1]!, moment!.rgb[j(x) + 2]!))) onFrame++;
    }
    expect(onStill).toBeGreaterThanOrEqual(30);
    expect(onFrame).toBe(0);
  });

  it('records rule, measurements, camera, place, versions and local and UTC times in metadata.json', async () => {
    const meta = JSON.parse(await readFile(join(ref.dir, EVIDENCE_FILES.metadata), 'utf8'));
    expect(meta.rule).toEqual({ id: 'speed-main', kind: 'speeding', params: { limitKmh: 60, toleranceKmh: 3 } });
    expect(meta.violation.measurements).toEqual({ speedKmh: 78.4, limitKmh: 60, distanceM: 22.5 });
    expect(meta.violation.plate).toBe('92A-123.45');
    expect(meta.camera).toEqual({ id: 'cam-ql1a-945', name: 'Camera QL1A km 945 hướng Bắc' });
    expect(meta.time).toEqual({ utc: '2026-11-21T23:21:05.123Z', local: '2026-11-22T06:21:05.123+07:00', timezone: 'Asia/Ho_Chi_Minh', epochMs: Date.UTC(2026, 10, 21, 23, 21, 5, 123) });
    expect(meta.versions.calibration).toBe('cam-ql1a-945@2026-11-01');
    expect(meta.versions.software).toMatch(/^argus@\d+\.\d+\.\d+/);
    expect(meta.clip.durationSec).toBeGreaterThan(5);
    expect(meta.signing.keyId).toBe(keys.keyId);
    expect(meta.files).toEqual(['1-approach.jpg', '2-moment.jpg', '3-after.jpg', '4-plate.jpg', 'composite.jpg', 'clip.mp4']);
  });

  it('never overwrites existing evidence and leaves no temporary directory behind', async () => {
    const before = await readFile(join(ref.dir, 'manifest.json'));
    await expect(writeEvidence(await speedingInput(parent, keys))).rejects.toSatisfy((e) => isArgusError(e, 'conflict'));
    expect(await readFile(join(ref.dir, 'manifest.json'))).toEqual(before);
    expect(await readdir(parent)).toEqual(['01JDTEST0000000000000000AA']);
  });

  it('rejects a clip shorter than 5 s and cleans up', async () => {
    const dir = await tempDir('evidence');
    const short = join(await tempDir('clip'), 'short.mp4');
    await cutClip({ source: TRAFFIC_VIDEO, fromSec: 1, toSec: 3, out: short });
    const input = { ...(await speedingInput(dir, keys, 'SHORTCLIP')), clipPath: short };
    await expect(writeEvidence(input)).rejects.toSatisfy((e) => isArgusError(e, 'invalid_argument') && /needs ≥ 5 s/.test(e.message));
    expect(await readdir(dir)).toEqual([]);
  });

  it('rejects a violation id that could escape the directory', async () => {
    const input = await speedingInput(await tempDir('evidence'), keys, '../escape');
    await expect(writeEvidence(input)).rejects.toSatisfy((e) => isArgusError(e, 'invalid_argument'));
  });

  it('takes the rule from `rule: { id, params }` and refuses a violation without a rule', async () => {
    const dir = await tempDir('evidence');
    const base = await speedingInput(dir, keys, 'RULEOBJ');
    const { ruleId: _r, params: _p, ...rest } = base.violation;
    const r = await writeEvidence({ ...base, violation: { ...rest, rule: { id: 'speed-2', params: { limitKmh: 50 } } } });
    const meta = JSON.parse(await readFile(join(r.dir, EVIDENCE_FILES.metadata), 'utf8'));
    expect(meta.rule).toEqual({ id: 'speed-2', kind: 'speeding', params: { limitKmh: 50 } });
    await expect(writeEvidence({ ...base, violation: { ...rest, id: 'NORULE' } })).rejects.toSatisfy((e) => isArgusError(e, 'invalid_argument'));
  });

  it('takes a rules ViolationEvent as it is: kind from `violation`, light from `measurements.signal`, box from `box`', async () => {
    const dir = await tempDir('evidence');
    const base = await speedingInput(dir, keys, 'EVENT');
    const event: ViolationEvent = {
      id: 'EVENT',
      kind: 'violation',
      violation: 'red_light',
      cameraId: 'cam-ql1a-945',
      atMs: base.violation.atMs,
      ptsSec: 5,
      ruleId: 'red-1',
      ruleKind: 'red_light',
      trackId: 17,
      cls: 'car',
      box: CAR_TRACK[1].box,
      lineId: 'stop-1',
      measurements: { signal: 'red', signalAgeMs: 2400 },
      params: { amberGraceMs: 500 },
    };
    const { vehicleBox: _drop, ...momentWithoutBox } = base.frames.moment;
    const r = await writeEvidence({ ...base, violation: event, scene: {}, frames: { ...base.frames, moment: momentWithoutBox } });
    const meta = JSON.parse(await readFile(join(r.dir, EVIDENCE_FILES.metadata), 'utf8'));
    expect(meta.violation).toMatchObject({ kind: 'red_light', label: { en: 'Red-light running' }, lineId: 'stop-1', box: CAR_TRACK[1].box });
    expect(meta.rule).toEqual({ id: 'red-1', kind: 'red_light', params: { amberGraceMs: 500 } });
    expect(meta.scene.light).toBe('red');
    expect(meta.plateCloseUp.source).toBe('vehicle_box');
    expect((await verifyEvidence(r.dir, keys.publicKey)).ok).toBe(true);
    // Compile-time: what the writer returns fits the `evidence` field of a ViolationEvent.
    const assignable: WrittenEvidence extends CoreEvidenceRef ? true : false = true;
    expect(assignable).toBe(true);
  });

  it('uses a given plate crop for the close-up', async () => {
    const dir = await tempDir('evidence');
    const base = await speedingInput(dir, keys, 'PLATECROP');
    const crop = { width: 40, height: 12, rgb: new Uint8Array(40 * 12 * 3).fill(200) };
    const r = await writeEvidence({ ...base, plateCrop: crop });
    const p = await sharp(join(r.dir, EVIDENCE_FILES.plate)).metadata();
    expect([p.width, p.height]).toEqual([533, 160]);
    const meta = JSON.parse(await readFile(join(r.dir, EVIDENCE_FILES.metadata), 'utf8'));
    expect(meta.plateCloseUp.source).toBe('crop');
  });
});

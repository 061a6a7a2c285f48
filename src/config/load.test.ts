import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfig } from './load.js';

const good = `
version: 1
sites:
  - id: qnam
    name: Công an tỉnh Quảng Nam
cameras:
  - id: cam-01
    name: Ngã tư Hùng Vương
    site: qnam
    kind: intersection
    source: rtsp://10.0.0.5/stream1
    location: { lat: 15.57, lng: 108.47 }
    lines:
      - id: L1
        points: [[0.1, 0.6], [0.9, 0.6]]
`;

describe('site config', () => {
  it('accepts a valid file and fills defaults', () => {
    const r = parseConfig(good);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.sites[0]!.timezone).toBe('Asia/Ho_Chi_Minh');
    expect(r.config.cameras[0]!.analysis.detector).toEqual({ kind: 'onnx', model: 'yolox_nano_416_coco', minScore: 0.1, tiles: 'auto', promoteLoneRiders: true });
    expect(r.config.cameras[0]!.analysis.tracker).toEqual({ kind: 'bytetrack' });
    expect(r.config.cameras[0]!.analysis.motion.enabled).toBe(true);
  });

  it("takes the site's home provinces for the plate reader and refuses codes that are not provinces", () => {
    const ok = parseConfig(good.replace('name: Công an tỉnh Quảng Nam', 'name: Công an tỉnh Quảng Nam\n    provinces: [92]'));
    expect(ok.ok && ok.config.sites[0]!.provinces).toEqual([92]);
    const bad = parseConfig(good.replace('name: Công an tỉnh Quảng Nam', 'name: Công an tỉnh Quảng Nam\n    provinces: [92, 13]'));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(JSON.stringify(bad.problems)).toContain('not a Vietnamese province code');
  });

  it('reports every problem at once with its path and line', () => {
    const bad = `
version: 1
sites:
  - id: qnam
    name: Q
cameras:
  - id: cam-01
    name: A
    site: nowhere
    kind: tower
    source: ftp://x/y
    location: { lat: 95, lng: 108 }
    colour: red
    lines:
      - id: L1
        points: [[0.1, 1.6], [0.9, 0.6]]
  - id: cam-01
    name: B
    site: qnam
    kind: security
    source: /videos/a.mp4
    location: { lat: 15, lng: 108 }
`;
    const r = parseConfig(bad);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const paths = r.problems.map((p) => p.path).sort();
    expect(paths).toEqual(
      [
        'cameras[0].colour',
        'cameras[0].kind',
        'cameras[0].lines[0].points[0][1]',
        'cameras[0].location.lat',
        'cameras[0].source',
      ].sort(),
    );
    expect(r.problems.find((p) => p.path === 'cameras[0].kind')!.line).toBe(10);
  });

  it('reports cross-reference problems once the shape is valid', () => {
    const r = parseConfig(good.replace('site: qnam', 'site: nowhere'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([{ path: 'cameras[0].site', message: 'unknown site "nowhere"', line: 9 }]);
  });

  it('reports YAML syntax errors with a line', () => {
    const r = parseConfig('version: 1\nsites: [\n');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems[0]!.path).toBe('(yaml)');
  });
});

describe('the config loader of every command', () => {
  it('replaces ${VAR} and ${VAR:-default} in the file, and says which variable is missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argus-load-'));
    try {
      const file = join(dir, 'site.yaml');
      await writeFile(file, good.replace('source: rtsp://10.0.0.5/stream1', 'source: ${CLIPS}/a.mp4').replace('name: Ngã tư Hùng Vương', 'name: ${CAM_NAME:-Ngã tư}'));
      const r = await loadConfigFile(file, { CLIPS: '/data/clips' });
      expect(r.ok && [r.config.cameras[0]!.source, r.config.cameras[0]!.name]).toEqual(['/data/clips/a.mp4', 'Ngã tư']);
      const missing = await loadConfigFile(file, {});
      expect(missing.ok === false && missing.problems).toEqual([{ path: '(environment)', message: 'environment variable(s) not set: CLIPS' }]);
      // A relative file source is relative to the config file's folder.
      await writeFile(file, good.replace('source: rtsp://10.0.0.5/stream1', 'source: clips/a.mp4'));
      const rel = await loadConfigFile(file, {});
      expect(rel.ok && rel.config.cameras[0]!.source).toBe(join(dir, 'clips/a.mp4'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

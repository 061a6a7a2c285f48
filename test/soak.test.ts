/**
 * The soak script (bench/soak.ts) at a small scale: the real service with one looping real camera for 40 s, sampled
 * every 10 s. Checks that the script runs the service, reads every figure (RSS, heap through the probe, fds, threads,
 * ffmpeg children, events from the database, frames from the API) and summarises them; the hour-long run and its
 * figures are in the closing note (`node --import tsx bench/soak.ts --duration 3600`).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSoak, slopePerHour } from '../bench/soak.js';
import { video } from './assets.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('the soak script', () => {
  it('fits a least-squares slope per hour', () => {
    expect(slopePerHour([[0, 10], [1800, 15], [3600, 20]])).toBe(10);
    expect(slopePerHour([[0, 5]])).toBe(0);
  });

  it('runs the service with a real camera and summarises memory, heap, descriptors, children and events over the run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argus-soak-test-'));
    dirs.push(dir);
    const config = join(dir, 'site.yaml');
    await writeFile(config, `version: 1
sites:
  - id: dn
    name: Đà Nẵng
cameras:
  - id: loop
    name: Cầu Rồng (vòng lặp)
    site: dn
    kind: overview
    source: ${video('opencv4nodejs_traffic.mp4')}
    location: { lat: 16.06, lng: 108.22 }
    analysis: { fps: 5, width: 640 }
    recording: { enabled: true, segmentSec: 10 }
    lines:
      - id: count
        points: [[0.5, 0.0], [0.5, 1.0]]
`);
    const lines: string[] = [];
    const s = await runSoak({ durationSec: 40, intervalSec: 10, config, dataDir: join(dir, 'data'), samples: true, progress: (l) => lines.push(l) });
    console.log(JSON.stringify({ rssMb: s.rssMb, heapUsedMb: s.heapUsedMb, fds: s.fds, children: s.children, events: s.events, framesAnalysed: s.framesAnalysed }));
    expect(s.samples).toBeGreaterThanOrEqual(5);
    expect(lines).toHaveLength(s.samples);
    expect(s.rssMb.max).toBeGreaterThan(50);
    expect(s.heapUsedMb?.end).toBeGreaterThan(5); // the probe answered from inside the service
    expect(s.fds.end).toBeGreaterThan(10);
    expect(s.children.max).toBeGreaterThanOrEqual(2); // the camera's frame source and its recorder
    expect(s.threads.end).toBeGreaterThan(1);
    expect(s.framesAnalysed.end).toBeGreaterThan(20);
    expect(s.events.end).toBeGreaterThan(0);
    expect(s.events.byKind['line.cross']).toBe(s.events.end);
    expect(s.cameras).toEqual([expect.objectContaining({ id: 'loop', health: 'online' })]);
    expect(s.exit).toMatchObject({ code: 0, signal: null });
    for (const t of [s.rssMb, s.fds]) expect(Number.isFinite(t.slopePerHour)).toBe(true);
  }, 180_000);
});

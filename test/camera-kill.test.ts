/**
 * The camera half of the kill test (the partner half is ingest-kill.test.ts): a real RTSP camera (GStreamer serving a
 * looping real road clip) analysed and recorded by the real service (`argus serve`, a child process), while a partner
 * posts sightings too; the service is killed with SIGKILL in the middle of that burst, then restarted on the same data.
 *
 * What a camera event's acknowledgement is: its commit. The camera path only queues (`Ingest.event`), so what the
 * test may claim is what was committed before the kill — read from OUTSIDE the service (its SQLite file read-only, or
 * its PostgreSQL database) just before the kill — and what the live view had shown (the hub publishes a batch only
 * after its commit). After the restart every one of those events is there exactly once, the camera goes on producing
 * (a live stream is not replayed: no committed event is re-emitted), and no ffmpeg of the killed service is left
 * pulling the camera or writing recordings.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase, dropDatabase, testDialects } from '../src/store/postgres/testing-db.js';
import { video } from './assets.js';
import { freePort, gstreamerMissing, loopClip, RtspCameras } from './rtsp-camera.js';
import { childProcesses, committedEvents, login, running, serve, type Service } from './serve-process.js';
import { sse, waitFor } from './sse-client.js';

const CLIP = video('opencv4nodejs_traffic.mp4');
const PASSWORD = 'kill-test-admin-password';
const gstreamer = gstreamerMissing() === undefined;
// SQLite always; PostgreSQL where it answers, and required on CI (a dropped run fails there: see testDialects).
const pgSkip = (await testDialects('camera-kill')).includes('postgres') ? null : 'PostgreSQL unreachable';
const rtsp = new RtspCameras();

const cleanup: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
  await rtsp.stopAll();
});

function configYaml(port: number): string {
  return `version: 1
sites:
  - id: dn
    name: Công an thành phố Đà Nẵng
cameras:
  - id: street
    name: Phố thử
    site: dn
    kind: overview
    source: rtsp://127.0.0.1:${port}/cam
    location: { lat: 16.06, lng: 108.22 }
    analysis: { fps: 5, width: 640 }
    recording: { enabled: true, segmentSec: 30 }
    lines:
      - id: count
        points: [[0.5, 0.0], [0.5, 1.0]]
  - id: edge-1
    name: ANPR đối tác
    site: dn
    kind: gateway
    source: rtsp://127.0.0.1:${port}/partner
    enabled: false
    location: { lat: 16.07, lng: 108.23 }
`;
}

/** A partner posting small batches back to back until the service dies; the ids it got a 200 for. */
function partnerBurst(url: string, key: string, acked: string[]): Promise<void> {
  return (async () => {
    for (let b = 0; ; b++) {
      const batch = Array.from({ length: 20 }, (_, i) => ({ id: `p${b}-${i}`, cameraId: 'edge-1', atMs: Date.now() - 1000, plate: `43A${String(10000 + b * 20 + i)}`, confidence: 0.9 }));
      const res = await fetch(`${url}/api/ingest/sightings`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ sightings: batch }) }).catch(() => null);
      if (!res) return; // the service died mid-request: not acknowledged
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`partner batch ${b} answered ${res.status}`);
      acked.push(...batch.map((s) => s.id));
    }
  })();
}

describe.each(['sqlite', 'postgres'] as const)('camera events survive kill -9 (%s)', (dialect) => {
  it.runIf(gstreamer && !(dialect === 'postgres' && pgSkip !== null))('keeps every camera event committed before the kill, once, and the camera goes on after the restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argus-camkill-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    let databaseUrl: string | undefined;
    if (dialect === 'postgres') {
      const db = await createDatabase('argus_camkill');
      databaseUrl = db.url;
      cleanup.push(() => dropDatabase(db.name));
    }
    const port = await freePort();
    await rtsp.start(loopClip(CLIP, join(dir, 'long.mp4'), 12), port);
    const config = join(dir, 'site.yaml');
    await writeFile(config, configYaml(port));
    const dataDir = join(dir, 'data');
    const where = { dataDir, databaseUrl };
    const opts = { dataDir, databaseUrl, config, env: { ARGUS_ADMIN_PASSWORD: PASSWORD } };

    const first: Service = await serve(opts);
    cleanup.push(async () => void first.child.kill('SIGKILL'));
    const admin = await login(first.url, 'admin', PASSWORD);
    const live = sse(`${first.url}/api/live`, admin.cookie);
    cleanup.push(async () => live.close());
    const keyRes = await fetch(`${first.url}/api/apikeys`, {
      method: 'POST', headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': 'application/json' },
      // An ingest key names the cameras it may post for (the partner's, known to the service).
      body: JSON.stringify({ name: 'edge', scopes: ['ingest.write'], scope: { cameraIds: ['edge-1'] }, rateLimitPerMin: 100_000 }),
    });
    expect(keyRes.status).toBe(200);
    const key = ((await keyRes.json()) as { secret: string }).secret;

    // The camera produces events (5 committed), while the partner's burst runs beside it.
    const partnerAcked: string[] = [];
    const partner = partnerBurst(first.url, key, partnerAcked);
    await waitFor('5 camera events committed', async () => (await committedEvents(where, 'street')).length >= 5, 240_000).catch((e: unknown) => {
      throw new Error(`${(e as Error).message}; service output: ${first.output().slice(-3000)}`);
    });
    const ffmpegs = (await childProcesses(first.child.pid!)).filter((p) => p.name === 'ffmpeg');
    expect(ffmpegs.length).toBeGreaterThanOrEqual(2); // the frame source and the recorder

    // Kill right after the next camera event commits: it lives only in the WAL / the last transaction then.
    const seen = (await committedEvents(where, 'street')).length;
    let committedBefore = await committedEvents(where, 'street');
    await waitFor('one more camera event committed', async () => (committedBefore = await committedEvents(where, 'street')).length > seen, 120_000);
    const shownBefore = live.messages.filter((m) => m.event === 'event' && m.data.cameraId === 'street').map((m) => m.data.id as string);
    const killedAtMs = Date.now();
    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await partner;
    live.close();
    expect(shownBefore.length).toBeGreaterThan(0);
    expect(partnerAcked.length).toBeGreaterThan(0);

    // No ffmpeg of the dead service goes on pulling the camera or writing its recordings.
    const orphans = async () => (await Promise.all(ffmpegs.map(async (p) => ((await running(p.pid)) ? [p] : [])))).flat();
    const left = await waitFor('the ffmpeg processes of the killed service to end', async () => ((await orphans()).length === 0 ? 'none' : null), 10_000).catch(async () => orphans());
    expect(left, `ffmpeg still running after the kill: ${JSON.stringify(left)}`).toBe('none');

    // Restart on the same data: the camera goes on, and nothing it committed before is repeated or lost.
    const second = await serve(opts);
    cleanup.push(async () => void second.child.kill('SIGKILL'));
    await waitFor('2 camera events after the restart', async () => (await committedEvents(where, 'street')).filter((e) => e.atMs > killedAtMs).length >= 2, 240_000);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);

    const all = await committedEvents(where);
    const ids = new Set(all.map((e) => e.id));
    expect(ids.size).toBe(all.length);
    const lost = [...new Set([...committedBefore.map((e) => e.id), ...shownBefore])].filter((id) => !ids.has(id));
    expect(lost, `${lost.length} camera events acknowledged before the kill are lost`).toEqual([]);
    const lostPartner = partnerAcked.filter((id) => !ids.has(id));
    expect(lostPartner, `${lostPartner.length} acknowledged partner sightings lost`).toEqual([]);
    // The same crossing is never stored twice (a restart does not replay what was committed): one event per camera, line, time and direction.
    const street = all.filter((e) => e.cameraId === 'street');
    const crossings = street.map((e) => {
      const p = JSON.parse(e.payload) as { lineId?: string; direction?: string; trackId?: number };
      return `${e.atMs}|${p.lineId}|${p.direction}|${p.trackId}`;
    });
    expect(new Set(crossings).size).toBe(crossings.length);
    // Recordings from both runs, no file left in the staging folder once the second service stopped cleanly.
    expect(await readdir(join(dataDir, 'recordings', 'street', '.incoming'))).toEqual([]);
    console.log(`camera-kill (${dialect}): ${committedBefore.length} camera events committed and ${shownBefore.length} shown live before the kill, ${partnerAcked.length} partner sightings acknowledged; ${street.length} camera events after the restart, none lost or repeated`);
  }, 600_000);
});

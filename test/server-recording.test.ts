/**
 * Recording inside the running service, from the demo config: two demo cameras on real road videos (one through a
 * real RTSP camera when GStreamer is here, one a looping file) record real segments into
 * `<data>/recordings/<camera>/`; the API lists them and plays one back (ffprobe reads valid h264 video); the
 * camera status shows the recorder's health; removing one camera stops its recorder while the other keeps
 * recording.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArgusConfig, CameraConfig } from '../src/config/schema.js';
import { loadServiceConfig } from '../src/server/config.js';
import { startTestServer, TestClient, type TestServer } from '../src/server/testing/harness.js';
import { probeSource } from '../src/video/probe.js';
import { ASSETS, REPO_ROOT, video } from './assets.js';
import { freePort, gstreamerMissing, loopClip, RtspCameras } from './rtsp-camera.js';
import { waitFor } from './sse-client.js';

const GATE = 'cam-bai-xe-son-tra'; // intel_car-detection.mp4: a key frame every 4.8 s
const CROSSING = 'cam-nguyen-van-linh'; // the Vietnamese street clip: 7.3 s, one key frame per loop
const rtsp = new RtspCameras();
let work = '';
let dataDir = '';
let t: TestServer;
let admin: TestClient;
let viaRtsp = false;
let gateServer: Awaited<ReturnType<RtspCameras['start']>> | undefined;
let gatePort = 0;
let gateLong = '';
let gateSource = '';

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'argus-recording-'));
  dataDir = join(work, 'data');
  const demo = await loadServiceConfig(join(REPO_ROOT, 'config/demo.yaml'), { ...process.env, ARGUS_ASSETS: ASSETS });
  gateSource = video('intel_car-detection.mp4');
  if (gstreamerMissing() === undefined) {
    gatePort = await freePort();
    gateLong = loopClip(gateSource, join(work, 'gate-long.mp4'), 10);
    gateServer = await rtsp.start(gateLong, gatePort);
    gateSource = `rtsp://127.0.0.1:${gatePort}/cam`;
    viaRtsp = true;
  }
  // The demo's cameras as configured (recording on), with 2 s segments and lighter analysis for a test machine.
  const pick = (id: string, source?: string): CameraConfig => {
    const c = demo.cameras.find((x) => x.id === id)!;
    expect(c.recording.enabled).toBe(true);
    return { ...c, ...(source ? { source } : {}), analysis: { ...c.analysis, fps: 2, width: 320 }, recording: { ...c.recording, segmentSec: 2 } };
  };
  const config: ArgusConfig = { ...demo, cameras: [pick(GATE, gateSource), pick(CROSSING)] };
  // No detector models here: analysis keeps only health (the recording does not depend on it).
  t = await startTestServer('sqlite', { config, startCameras: true, footage: { dataDir }, cameras: { modelsDir: join(work, 'no-models') } });
  admin = await TestClient.login(t.url, 'admin');
}, 60_000);

afterAll(async () => {
  await t?.dispose();
  await rtsp.stopAll();
  await rm(work, { recursive: true, force: true });
});

/** The argument lists of the processes whose command line has `fragment` (from /proc: Linux). */
async function processesWith(fragment: string): Promise<Array<{ pid: string; args: string[] }>> {
  const out: Array<{ pid: string; args: string[] }> = [];
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    const args = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').filter(Boolean);
    if (args.some((a) => a.includes(fragment))) out.push({ pid, args });
  }
  return out;
}

/** Pids holding an established TCP connection to 127.0.0.1:`port` (client side), from /proc/net/tcp and the fd links. */
async function clientPidsOf(port: number): Promise<Set<string>> {
  const inodes = new Set<string>();
  for (const line of (await readFile('/proc/net/tcp', 'utf8')).split('\n').slice(1)) {
    const [, , remote, state, , , , , , inode] = line.trim().split(/\s+/);
    if (state === '01' && remote === `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}` && inode) inodes.add(inode);
  }
  const pids = new Set<string>();
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    for (const fd of await readdir(`/proc/${pid}/fd`).catch(() => [] as string[])) {
      const m = /^socket:\[(\d+)\]$/.exec(await readlink(`/proc/${pid}/fd/${fd}`).catch(() => ''));
      if (m && inodes.has(m[1]!)) pids.add(pid);
    }
  }
  return pids;
}

/**
 * What the camera's recorder really reads: its running ffmpeg (found by the camera's recording folder in its
 * arguments) takes `source` as input with the protocol whitelist of that source, and, for the RTSP camera, holds an
 * open connection to the RTSP server.
 */
async function expectRecorderReads(cameraId: string, source: string): Promise<void> {
  // The ffmpeg itself (it runs under a relay whose command line holds the same arguments).
  const recorders = (await processesWith(join(dataDir, 'recordings', cameraId))).filter((p) => p.args.includes('segment') && basename(p.args[0] ?? '') === 'ffmpeg');
  expect(recorders).toHaveLength(1);
  const args = recorders[0]!.args;
  const input = args[args.indexOf('-i') + 1];
  expect(args[args.indexOf('-protocol_whitelist') + 1]).toBe(viaRtsp ? 'rtsp,rtsps,tcp,tls' : 'file');
  if (!viaRtsp) {
    expect(input).toBe(`file:${source}`);
    return;
  }
  expect(input).toBe(source);
  expect(await clientPidsOf(gatePort)).toContain(recorders[0]!.pid); // the recorder pulls from the RTSP server itself
}

const recording = async (id: string) => (await admin.get(`/api/cameras/${id}`)).body?.status?.recording as { running: boolean; segments: number; restarts: number; lastSegment: string | null; lastSegmentAtMs: number | null; lastError: string | null } | null;
const files = async (id: string): Promise<string[]> => (await readdir(join(dataDir, 'recordings', id)).catch(() => [] as string[])).sort();

describe('recording in the service', () => {
  it('records real segments of each camera, lists them, and plays one back as valid video', async () => {
    const started = Date.now();
    for (const id of [GATE, CROSSING]) {
      const rec = await waitFor(`a finished segment of ${id}`, async () => {
        const r = await recording(id);
        return r && r.segments >= 1 ? r : undefined;
      }, 40_000);
      expect(rec.running).toBe(true);
      if (id === GATE) await expectRecorderReads(GATE, gateSource);
      expect(rec.lastSegmentAtMs).toBeGreaterThanOrEqual(started);
      const list = await admin.get(`/api/cameras/${id}/recordings`);
      expect(list.status).toBe(200);
      const item = (list.body.items as Array<{ file: string; url: string; bytes: number }>).find((i) => i.file === rec.lastSegment);
      expect(item).toBeDefined();
      const res = await fetch(t.url + item!.url, { headers: { cookie: admin.cookie } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('video/mp4');
      const out = join(work, `${id}-${item!.file}`);
      await writeFile(out, Buffer.from(await res.arrayBuffer()));
      const info = await probeSource(out);
      expect(info.codec).toBe('h264');
      expect(info.width).toBeGreaterThan(300);
      expect(info.durationSec).toBeGreaterThan(1.5);
      const frames = Number(execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', out], { encoding: 'utf8' }).trim());
      expect(frames).toBeGreaterThan(10);
    }
  }, 90_000);

  it.runIf(gstreamerMissing() === undefined)('restarts the recorder of a dead RTSP camera with backoff, keeps its error, and records again once it is back', async () => {
    await rtsp.stop(gateServer!);
    const rec = await waitFor('the recorder of the dead camera to restart', async () => {
      const r = await recording(GATE);
      return r && r.restarts >= 1 ? r : undefined;
    }, 30_000);
    expect(rec.lastError).toMatch(/ffmpeg exited/);
    expect((await recording(CROSSING))!.restarts).toBe(0);
    gateServer = await rtsp.start(gateLong, gatePort);
    await waitFor('the camera to record again', async () => {
      const r = await recording(GATE);
      return r && r.running && r.segments > rec.segments ? r : undefined;
    }, 40_000);
  }, 60_000);

  it('removes one camera and the other keeps recording, its recorder untouched', async () => {
    const before = (await recording(CROSSING))!.segments;
    const del = await admin.request('DELETE', `/api/cameras/${GATE}`);
    expect(del.status).toBe(200);
    const gateFiles = await files(GATE);
    expect(gateFiles.length).toBeGreaterThanOrEqual(1);
    // The removed camera's last segment was finished on stop: it is valid video too.
    expect((await probeSource(join(dataDir, 'recordings', GATE, gateFiles.at(-1)!))).codec).toBe('h264');
    const after = await waitFor('another segment of the remaining camera', async () => {
      const r = await recording(CROSSING);
      return r && r.segments > before ? r : undefined;
    }, 30_000);
    expect(after.running).toBe(true);
    expect(after.restarts).toBe(0); // the same ffmpeg kept going
    expect(await files(GATE)).toEqual(gateFiles); // nothing more was written for the removed camera
    expect((await admin.get(`/api/cameras/${GATE}`)).status).toBe(404);
    const status = await admin.get('/api/cameras/status');
    expect((status.body.items as Array<{ id: string }>).map((s) => s.id)).toEqual([CROSSING]);
  }, 60_000);
});

/**
 * A real RTSP camera for tests: GStreamer's RTSP server (scripts/rtsp-server.py, Debian's python3-gi and
 * gir1.2-gst-rtsp-server-1.0) serving a video file on loopback. Shared by the video, analysis and service tests.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { join } from 'node:path';
import { REPO_ROOT } from './assets.js';

/** Debian's interpreter: the first python3 on PATH may be another one without `gi`. */
export const PYTHON = '/usr/bin/python3';
const SCRIPT = join(REPO_ROOT, 'scripts', 'rtsp-server.py');

/** Why the RTSP server cannot run here, or undefined when it can. */
export function gstreamerMissing(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', "import gi; gi.require_version('GstRtspServer', '1.0'); from gi.repository import GstRtspServer"], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} not found`;
  return probe.status === 0 ? undefined : 'python3-gi / gir1.2-gst-rtsp-server-1.0 not installed';
}

export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** RTSP servers started by a test file; `stopAll()` in afterAll leaves none behind. */
export class RtspCameras {
  private readonly running = new Set<ChildProcess>();

  /** Serve `file` at rtsp://127.0.0.1:PORT/cam; resolves once the server says it is ready. */
  async start(file: string, port: number, path = '/cam'): Promise<ChildProcess> {
    const child = spawn(PYTHON, [SCRIPT, file, '--port', String(port), '--path', path], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.running.add(child);
    child.once('exit', () => this.running.delete(child));
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`rtsp-server did not start: ${stderr}`)), 10_000);
      child.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`rtsp-server exited (${code}): ${stderr}`));
      });
    });
    return child;
  }

  /** Kill a server (the camera dies) and wait until it is gone. */
  async stop(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await gone;
  }

  async stopAll(): Promise<void> {
    for (const c of [...this.running]) await this.stop(c);
  }
}

/** A long "live" stream: the clip looped `times` more times (stream copy, seconds). */
export function loopClip(src: string, out: string, times: number): string {
  execFileSync('ffmpeg', ['-nostdin', '-loglevel', 'error', '-y', '-stream_loop', String(times), '-i', src, '-c', 'copy', out]);
  return out;
}

/** Poll `cond` every 50 ms until it holds, or fail naming what was awaited. */
export async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

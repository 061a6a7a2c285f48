import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNats } from '../../bus/nats-connect.js';
import { NatsTestServers } from '../../bus/testing/nats-server.js';
import { plateHistoryClient } from './history.js';
import { PLATE_HISTORY_SUBJECT, RECORDING_CHUNK_BYTES, workerSubject, type PlateHistoryReply, type RecordingsListReply } from './protocol.js';
import { ERROR_HEADER, startRpc } from './rpc.js';

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

let servers: NatsTestServers;
let nc: NatsConnection;
let dir: string;
let rpc: { stop(): Promise<void> };
const SEG1 = '20261207T010000.000Z.mp4';
const SEG2 = '20261207T010100.000Z.mp4';
const seg2 = Buffer.alloc(RECORDING_CHUNK_BYTES + 1000, 7);

beforeAll(async () => {
  servers = await NatsTestServers.start();
  nc = await connectNats({ servers: servers.urls });
  dir = await mkdtemp(join(tmpdir(), 'argus-rpc-'));
  const rec = join(dir, 'recordings');
  await mkdir(join(rec, 'cam1'), { recursive: true });
  await mkdir(join(rec, 'cam2'), { recursive: true });
  await writeFile(join(rec, 'cam1', SEG1), 'first segment');
  await writeFile(join(rec, 'cam1', SEG2), seg2);
  await writeFile(join(rec, 'cam1', 'notes.txt'), 'not a segment');
  await writeFile(join(rec, 'cam2', SEG1), 'camera two');
  await writeFile(join(dir, 'secret.txt'), 'outside the recordings');
  // A link named like a segment that leads out of the camera's folder.
  await symlink(join(dir, 'secret.txt'), join(rec, 'cam1', '20261207T020000.000Z.mp4'));
  rpc = startRpc({ nc, worker: 'w1', latestFrame: () => undefined, recordingsDir: rec, logger: silent });
});

afterAll(async () => {
  await rpc?.stop();
  await nc?.close();
  await servers?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function ask(rpcName: 'snapshot' | 'recordings.list' | 'recordings.read', body: unknown): Promise<{ data: Uint8Array; error: string | undefined }> {
  const m = await nc.request(workerSubject('w1', rpcName), typeof body === 'string' ? body : JSON.stringify(body), { timeout: 5000 });
  return { data: m.data, error: m.headers?.get(ERROR_HEADER) || undefined };
}

describe('worker RPCs', () => {
  it('lists a camera\'s segments by time, oldest first, and nothing that is not a segment', async () => {
    const all = await ask('recordings.list', { cameraId: 'cam1' });
    expect(all.error).toBeUndefined();
    const reply = JSON.parse(Buffer.from(all.data).toString()) as RecordingsListReply;
    expect(reply.segments.map((s) => s.file)).toEqual([SEG1, SEG2, '20261207T020000.000Z.mp4']);
    expect(reply.segments[0]).toEqual({ file: SEG1, startMs: Date.UTC(2026, 11, 7, 1, 0, 0), bytes: 13 });
    const later = JSON.parse(Buffer.from((await ask('recordings.list', { cameraId: 'cam1', fromMs: Date.UTC(2026, 11, 7, 1, 1, 30), toMs: Date.UTC(2026, 11, 7, 1, 2) })).data).toString()) as RecordingsListReply;
    expect(later.segments.map((s) => s.file)).toEqual([SEG2]);
    expect(JSON.parse(Buffer.from((await ask('recordings.list', { cameraId: 'nope' })).data).toString())).toEqual({ segments: [] });
  });

  it('reads a segment by ranges of at most RECORDING_CHUNK_BYTES', async () => {
    const head = await ask('recordings.read', { cameraId: 'cam1', file: SEG1, offset: 6, length: 100 });
    expect(Buffer.from(head.data).toString()).toBe('segment');
    const big = await ask('recordings.read', { cameraId: 'cam1', file: SEG2, offset: 0, length: RECORDING_CHUNK_BYTES });
    expect(big.data.byteLength).toBe(RECORDING_CHUNK_BYTES);
    const tail = await ask('recordings.read', { cameraId: 'cam1', file: SEG2, offset: RECORDING_CHUNK_BYTES, length: RECORDING_CHUNK_BYTES });
    expect(Buffer.concat([big.data, tail.data]).equals(seg2)).toBe(true);
    expect((await ask('recordings.read', { cameraId: 'cam1', file: SEG2, offset: RECORDING_CHUNK_BYTES, length: RECORDING_CHUNK_BYTES + 1 })).error).toMatch(/^invalid_argument length/);
    expect((await ask('recordings.read', { cameraId: 'cam1', file: SEG1, offset: -1, length: 10 })).error).toMatch(/^invalid_argument offset/);
  });

  it('refuses every path outside the camera\'s own folder (path traversal)', async () => {
    const refused = async (cameraId: string, file: string): Promise<string | undefined> => {
      const r = await ask('recordings.read', { cameraId, file, offset: 0, length: 100 });
      expect(r.data.byteLength).toBe(0);
      return r.error;
    };
    expect(await refused('cam1', '../cam2/' + SEG1)).toMatch(/^invalid_argument/);
    expect(await refused('cam1', '../../secret.txt')).toMatch(/^invalid_argument/);
    expect(await refused('..', 'secret.txt')).toMatch(/^invalid_argument/);
    expect(await refused('../recordings/cam2', SEG1)).toMatch(/^invalid_argument/);
    expect(await refused('cam1', '/etc/passwd')).toMatch(/^invalid_argument/);
    expect(await refused('cam1', 'notes.txt')).toMatch(/^invalid_argument/);
    // Named like a segment, but a link out of the folder.
    expect(await refused('cam1', '20261207T020000.000Z.mp4')).toMatch(/^invalid_argument .*outside/);
    expect(await refused('cam1', '20261207T030000.000Z.mp4')).toMatch(/^not_found/);
    expect((await ask('recordings.list', { cameraId: '../cam1' })).error).toMatch(/^invalid_argument/);
  });

  it('answers a bad request or a camera without a frame with an error header, never silence', async () => {
    expect((await ask('snapshot', { cameraId: 'cam1' })).error).toMatch(/^not_found camera cam1/);
    expect((await ask('snapshot', 'not json')).error).toMatch(/^invalid_argument/);
    expect((await ask('recordings.read', { cameraId: 'cam1' })).error).toMatch(/^invalid_argument/);
  });
});

describe('plate history over NATS', () => {
  it('asks the serve replicas for a site\'s reads and gives them to the plate pool', async () => {
    // The serve side's responder is another part's; this one stands in for it at the port.
    const asked: unknown[] = [];
    const sub = nc.subscribe(PLATE_HISTORY_SUBJECT, {
      callback: (_e, m) => {
        asked.push(m.json());
        const reply: PlateHistoryReply = { plates: [{ plateKey: '43A12345', cameraId: 'c1', atMs: 1, confidence: 0.9 }, { plateKey: '43B67890', cameraId: 'c2', atMs: 2 }] };
        m.respond(JSON.stringify(reply));
      },
    });
    const history = plateHistoryClient({ nc, logger: silent });
    expect(await history({ id: 'dn' })).toEqual([{ key: '43A12345', confidence: 0.9 }, { key: '43B67890', confidence: 1 }]);
    expect(asked).toEqual([{ siteId: 'dn' }]);
    sub.unsubscribe();
  });

  it('goes on with an empty history and one warning when nobody answers', async () => {
    const warned: string[] = [];
    const history = plateHistoryClient({ nc, logger: { ...silent, warn: (_o, msg) => void warned.push(msg) }, timeoutMs: 500 });
    const t0 = Date.now();
    expect(await history({ id: 'dn' })).toEqual([]);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(warned).toEqual(['plate history: no answer from the central store; the site prior learns from scratch']);
    // A responder that never replies: the timeout.
    const sub = nc.subscribe(PLATE_HISTORY_SUBJECT, { callback: () => undefined });
    expect(await history({ id: 'dn' })).toEqual([]);
    expect(warned).toHaveLength(2);
    sub.unsubscribe();
  });
});

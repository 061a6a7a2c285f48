import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { box } from '../core/box.js';
import { openSqliteStore } from '../store/sqlite/index.js';
import type { FaceRecord } from '../store/store.js';
import { writeCrop } from './crops.js';
import { FacesService, lookEveryFrames } from './faces.js';

const DAY = 86_400_000;
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('clips looked through for faces', () => {
  it('looks about every quarter second whatever the frame rate (at most every 8th frame, at least every frame)', () => {
    expect([5, 10, 12.5, 25, 29.97, 60].map(lookEveryFrames)).toEqual([1, 3, 3, 6, 7, 8]);
  });
});

describe('FacesService retention', () => {
  it('deletes unmatched faces after their days and matched ones after theirs, with their crops, and forgets them in the search index', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argus-faces-ret-'));
    dirs.push(dir);
    const store = await openSqliteStore({ path: join(dir, 'db.sqlite') });
    const root = join(dir, 'faces');
    const log = { warn: () => undefined };
    const faces = new FacesService(store, { root, model: 'm', log, engine: () => Promise.reject(new Error('not used')) });
    const now = Date.now();
    const emb = Float32Array.from({ length: 8 }, (_, i) => (i === 0 ? 1 : 0));
    const face = async (id: string, ageDays: number, matched: boolean): Promise<FaceRecord> => {
      const atMs = now - ageDays * DAY;
      return { id, cameraId: 'c1', atMs, trackId: 1, box: box(0, 0, 40, 40), quality: 0.5, model: 'm', embedding: emb, cropRef: await writeCrop(root, id, atMs, new Uint8Array([0xff, 0xd8, 0xff, id.length])), matched };
    };
    const rows = [await face('fresh', 1, false), await face('old-unmatched', 40, false), await face('old-matched', 40, true), await face('ancient-matched', 400, true)];
    await store.writeBatch({ faces: rows });
    expect((await faces.index.search(emb, 10, { cameraIds: null })).map((h) => h.face.id).sort()).toEqual(['ancient-matched', 'fresh', 'old-matched', 'old-unmatched']);

    faces.startRetention(store, { unmatchedDays: 30, matchedDays: 365, everyMs: 3_600_000 });
    await expect.poll(async () => (await store.listFaces({ limit: 10 })).map((f) => f.id).sort(), { timeout: 5000 }).toEqual(['fresh', 'old-matched']);
    await expect.poll(() => rows.filter((r) => existsSync(join(root, r.cropRef!))).map((r) => r.id).sort(), { timeout: 5000 }).toEqual(['fresh', 'old-matched']);
    await expect.poll(async () => faces.index.size, { timeout: 5000 }).toBe(0); // reset: read again at the next search
    expect((await faces.index.search(emb, 10, { cameraIds: null })).map((h) => h.face.id).sort()).toEqual(['fresh', 'old-matched']);
    await faces.close();
    await store.close();
  });
});

describe('exports when the face models do not load', () => {
  it('fails the export, saying why, instead of sending the pictures unblurred; a file that is no picture still goes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argus-faces-nomodel-'));
    dirs.push(dir);
    const store = await openSqliteStore({ path: join(dir, 'db.sqlite') });
    const warned: string[] = [];
    const faces = new FacesService(store, { model: 'm', log: { warn: (_o: unknown, m?: string) => void warned.push(m ?? '') }, engine: () => Promise.reject(new Error('yunet.onnx not found')) });
    const still = join(dir, 'still.jpg');
    await writeFile(still, await sharp({ create: { width: 64, height: 48, channels: 3, background: '#808080' } }).jpeg().toBuffer());
    const notes = join(dir, 'notes.txt');
    await writeFile(notes, 'not a picture');
    const file = async (path: string, name: string) => ({ name, path, bytes: (await stat(path)).size, mtimeMs: (await stat(path)).mtimeMs });
    await expect(faces.privacyCopy([await file(still, 'still.jpg')])).rejects.toMatchObject({ code: 'model_missing', message: expect.stringMatching(/yunet\.onnx not found.*nothing was exported/) });
    await expect(faces.privateCopy([await file(still, 'still.jpg')], 'n')).rejects.toMatchObject({ code: 'model_missing' });
    expect(warned).toEqual([]); // not taken for an unreadable picture
    expect((await faces.privacyCopy([await file(notes, 'notes.txt')])).files.map((f) => f.name)).toEqual(['notes.txt']);
    await faces.close();
    await store.close();
  });
});

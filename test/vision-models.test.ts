import { copyFile, mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isArgusError } from '../src/core/errors.js';
import { models as modelsCommand, listModels } from '../src/cli/commands/models.js';
import { installModels, sha256File } from '../src/vision/model-install.js';
import { getModelEntry, MODEL_CATALOG, modelsDir, resolveModel } from '../src/vision/models.js';
import { SHARED_MODELS } from '../src/vision/testing/fixtures.js';

const YOLOX = getModelEntry('yolox_nano_416_coco');
const YOLO11 = getModelEntry('yolo11n_int8_320_coco_AGPL');
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'argus-models-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('model catalogue', () => {
  it('matches the sha256 of every shared model file', async () => {
    for (const m of MODEL_CATALOG) expect(await sha256File(resolveModel(m.name, SHARED_MODELS)), m.name).toBe(m.sha256);
  });

  it('resolves models kept in sub-folders', () => {
    expect(resolveModel('yolox_nano_416_coco', SHARED_MODELS)).toBe(join(SHARED_MODELS, 'coco', 'yolox_nano_416_coco.onnx'));
  });

  it('says which model is missing, where it looked and what to do', async () => {
    const empty = await mkdtemp(join(tmp, 'empty-'));
    let err: unknown;
    try {
      resolveModel('yolox_nano_416_coco', empty);
    } catch (e) {
      err = e;
    }
    expect(isArgusError(err, 'model_missing')).toBe(true);
    const msg = (err as Error).message;
    expect(msg).toContain('yolox_nano_416_coco');
    expect(msg).toContain(empty);
    expect(msg).toContain('argus models install --from');
    expect(msg).toContain('ARGUS_MODELS');
    expect(msg).not.toContain('\n');
  });

  it('prefers an explicit directory, then ARGUS_MODELS, then ./models', () => {
    expect(modelsDir('/a', { ARGUS_MODELS: '/b' })).toBe('/a');
    expect(modelsDir(undefined, { ARGUS_MODELS: '/b' })).toBe('/b');
    expect(modelsDir(undefined, {})).toBe(join(process.cwd(), 'models'));
  });
});

describe('models install', () => {
  it('copies from a folder, verifies, and reports it installed', async () => {
    const dest = join(tmp, 'dest-copy');
    const [r] = await installModels({ from: SHARED_MODELS, names: ['yolo11n_int8_320_coco_AGPL'], dir: dest });
    expect(r).toMatchObject({ name: YOLO11.name, status: 'installed', path: join(dest, 'coco', YOLO11.file) });
    expect(await sha256File(r!.path)).toBe(YOLO11.sha256);
    expect(listModels(dest).find((m) => m.name === YOLO11.name)?.installed).toBe(true);
    const [again] = await installModels({ from: SHARED_MODELS, names: [YOLO11.name], dir: dest });
    expect(again?.status).toBe('already_installed');
  });

  it('refuses a corrupted copy with checksum_mismatch and leaves nothing behind', async () => {
    const src = join(tmp, 'corrupt-src');
    await mkdir(src, { recursive: true });
    const bytes = await readFile(resolveModel(YOLOX.name, SHARED_MODELS));
    bytes[1000] = bytes[1000]! ^ 0xff;
    await writeFile(join(src, YOLOX.file), bytes);
    const dest = join(tmp, 'dest-corrupt');
    const err = await caught(installModels({ from: src, dir: dest }));
    expect(isArgusError(err, 'checksum_mismatch')).toBe(true);
    expect((err as Error).message).toContain(YOLOX.sha256);
    expect(await readdir(join(dest, 'coco'))).toEqual([]);
    expect(listModels(dest).every((m) => !m.installed)).toBe(true);
  });

  it('argus models install --from DIR installs from a flat folder and list --json shows it', async () => {
    const src = join(tmp, 'flat-src');
    await mkdir(src, { recursive: true });
    await copyFile(resolveModel(YOLO11.name, SHARED_MODELS), join(src, YOLO11.file)); // flat layout
    const dest = join(tmp, 'dest-cli');
    expect(await modelsCommand(['install', '--from', src, '--dir', dest])).toBe(0);
    const chunks: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => chunks.push(s) > 0) as typeof process.stdout.write;
    try {
      expect(await modelsCommand(['list', '--json', '--dir', dest])).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    const listed = JSON.parse(chunks.join('')) as { models: { name: string; installed: boolean }[] };
    expect(listed.models.filter((m) => m.installed).map((m) => m.name)).toEqual([YOLO11.name]);
  });

  describe('from a URL', () => {
    let server: Server;
    let base: string;
    beforeAll(async () => {
      const good = await readFile(resolveModel(YOLO11.name, SHARED_MODELS));
      const bad = Buffer.from(good);
      bad[10] = bad[10]! ^ 0xff;
      server = createServer((req, res) => {
        const body = req.url === `/good/coco/${YOLO11.file}` ? good : req.url === `/bad/${YOLO11.file}` ? bad : undefined;
        if (!body) return void res.writeHead(404).end();
        res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const addr = server.address();
      base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    });
    afterAll(async () => {
      await new Promise((r) => server.close(r));
    });

    it('downloads from a base URL and verifies the sha256', async () => {
      const dest = join(tmp, 'dest-url');
      const [r] = await installModels({ from: `${base}/good/`, names: [YOLO11.name], dir: dest });
      expect(r?.status).toBe('installed');
      expect(await sha256File(r!.path)).toBe(YOLO11.sha256);
    });

    it('refuses a corrupted download and leaves nothing behind', async () => {
      const dest = join(tmp, 'dest-url-bad');
      const err = await caught(installModels({ from: `${base}/bad`, names: [YOLO11.name], dir: dest }));
      expect(isArgusError(err, 'checksum_mismatch')).toBe(true);
      expect(await readdir(join(dest, 'coco'))).toEqual([]);
    });

    it('reports a missing file as not_found', async () => {
      const err = await caught(installModels({ from: `${base}/nothing`, names: [YOLO11.name], dir: join(tmp, 'dest-404') }));
      expect(isArgusError(err, 'not_found')).toBe(true);
    });
  });
});

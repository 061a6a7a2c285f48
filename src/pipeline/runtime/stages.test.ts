import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import { ArgusError } from '../../core/errors.js';
import type { PlateHost } from '../plate-host.js';
import type { SourceLogger } from '../../video/source.js';
import { createStageProvider, serviceEvidence } from './stages.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const quiet: SourceLogger = { debug() {}, info() {}, warn() {}, error() {} };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cam = (id: string, site: string, plates: boolean | 'anpr', rules: unknown[] = []) => ({
  id, name: id, site, kind: 'gateway', source: `rtsp://10.0.0.1/${id}`, location: { lat: 16, lng: 108 }, plates,
  zones: [{ id: 'z', polygon: [[0, 0], [1, 0], [1, 1]] }], rules,
});
const config = configSchema.parse({
  version: 1,
  sites: [{ id: 'dn', name: 'Đà Nẵng' }, { id: 'qn', name: 'Quảng Nam' }],
  cameras: [cam('a', 'dn', true), cam('b', 'dn', 'anpr'), cam('c', 'qn', true, [{ id: 'r', kind: 'congestion', zone: 'z' }]), cam('d', 'qn', false)],
});
const camera = (id: string) => config.cameras.find((c) => c.id === id)!;

/** A test double of the plate pool (the port): counts starts and closes per site. */
function pools(fail = new Set<string>()) {
  const log: string[] = [];
  return {
    log,
    start: async (site: { id: string } | undefined): Promise<PlateHost> => {
      log.push(`start ${site?.id}`);
      if (fail.has(site?.id ?? '')) throw new ArgusError('model_invalid', 'plate reader failed to load: no memory');
      return { read: async () => [], pending: 0, slots: 1, close: async () => void log.push(`close ${site?.id}`) };
    },
  };
}

async function dataDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'argus-stages-'));
  dirs.push(d);
  return d;
}

describe('the stage provider of the service', () => {
  it('gives the cameras of a site one plate pool, and closes it a while after its last plate camera stops', async () => {
    const p = pools();
    const svc = createStageProvider({ config, evidence: serviceEvidence(await dataDir()), startPlates: p.start, idleCloseMs: 50 });
    const a = await svc.stages(camera('a'), quiet);
    const b = await svc.stages(camera('b'), quiet);
    const c = await svc.stages(camera('c'), quiet);
    const d = await svc.stages(camera('d'), quiet);
    expect(p.log).toEqual(['start dn', 'start qn']);
    expect(a.stages.map((s) => s.name)).toEqual(['plates']);
    expect(a.plateStatus?.()).toEqual({ mode: 'vehicles', read: 0, skipped: 0, plates: 0 });
    expect(b.anpr).toBeDefined();
    expect(b.stages).toEqual([]);
    expect(c.stages.map((s) => s.name)).toEqual(['plates', 'rules', 'evidence']);
    expect([d.stages, d.anpr, d.plateStatus]).toEqual([[], undefined, undefined]);

    // A restart within the grace period keeps the pool; the last camera's stop closes it after the grace period.
    await a.close?.();
    const again = await svc.stages(camera('a'), quiet);
    await b.close?.();
    await sleep(80);
    expect(p.log).toEqual(['start dn', 'start qn']);
    await again.close?.();
    await again.close?.(); // twice is once
    await sleep(80);
    expect(p.log).toEqual(['start dn', 'start qn', 'close dn']);
    await svc.stages(camera('a'), quiet);
    expect(p.log.at(-1)).toBe('start dn');
    await svc.close();
    expect(p.log.slice(-2).sort()).toEqual(['close dn', 'close qn']);
  });

  it('runs a camera without plates when its pool cannot start, and tries again at its next start', async () => {
    const fail = new Set(['dn']);
    const p = pools(fail);
    const errors: string[] = [];
    const log = { ...quiet, error: (_o: object, m: string) => void errors.push(m) };
    const svc = createStageProvider({ config, evidence: serviceEvidence(await dataDir()), startPlates: p.start });
    const a = await svc.stages(camera('a'), log);
    expect([a.stages, a.anpr]).toEqual([[], undefined]);
    expect(errors).toEqual(['plate reader cannot start: this camera runs without plates until its next start']);
    fail.clear();
    const retry = await svc.stages(camera('a'), log);
    expect(retry.stages.map((s) => s.name)).toEqual(['plates']);
    expect(p.log).toEqual(['start dn', 'start dn']);
    await svc.close();
    // After close, no pool is started any more (cameras stopping during shutdown).
    const late = await svc.stages(camera('a'), log);
    expect(late.stages).toEqual([]);
    expect(p.log).toEqual(['start dn', 'start dn', 'close dn']);
  });

  it("starts a site's pool with the site's earlier reads, and without them when the store cannot answer", async () => {
    const given: string[] = [];
    const start = async (site: { id: string } | undefined, _log: SourceLogger, history: readonly { key: string }[]): Promise<PlateHost> => {
      given.push(`${site?.id}: ${history.map((h) => h.key).join(',')}`);
      return { read: async () => [], pending: 0, slots: 1, close: async () => undefined };
    };
    const warnings: string[] = [];
    const log = { ...quiet, warn: (_o: object, m: string) => void warnings.push(m) };
    const history = async (site: { id: string } | undefined) => {
      if (site?.id === 'qn') throw new ArgusError('io_failed', 'database is down');
      return [{ key: '43A12345', confidence: 0.9 }, { key: '43B112345', confidence: 0.8 }];
    };
    const svc = createStageProvider({ config, evidence: serviceEvidence(await dataDir()), startPlates: start, history });
    const a = await svc.stages(camera('a'), log);
    const c = await svc.stages(camera('c'), log);
    expect(given).toEqual(['dn: 43A12345,43B112345', 'qn: ']);
    expect(warnings).toEqual(['plate reader: earlier reads unavailable, the site prior learns from scratch']);
    expect(a.stages.map((s) => s.name)).toEqual(['plates']);
    expect(c.stages.map((s) => s.name)).toEqual(['plates', 'rules', 'evidence']);
    await svc.close();
  });

  it('gives each site created through the API (no site-file entry) its own pool, and no config file is needed', async () => {
    const p = pools();
    const apiCam = (id: string, site: string) => ({ ...camera('a'), id, site });
    for (const cfg of [config, undefined]) {
      p.log.length = 0;
      const svc = createStageProvider({ config: cfg, evidence: serviceEvidence(await dataDir()), startPlates: p.start });
      await svc.stages(apiCam('x1', 'hue'), quiet);
      await svc.stages(apiCam('y1', 'can-tho'), quiet);
      await svc.stages(apiCam('x2', 'hue'), quiet);
      expect(p.log).toEqual(['start hue', 'start can-tho']);
      await svc.close();
    }
  });

  it("seeds the pool of a site created through the API with its stored home provinces, and does without when the store fails", async () => {
    const started: string[] = [];
    const start = async (site: { id: string; provinces?: readonly number[] }): Promise<PlateHost> => {
      started.push(`${site.id} [${site.provinces?.join(',') ?? ''}]`);
      return { read: async () => [], pending: 0, slots: 1, close: async () => undefined };
    };
    const warnings: string[] = [];
    const log = { ...quiet, warn: (_o: object, m: string) => void warnings.push(m) };
    const siteOf = async (id: string) => {
      if (id === 'down') throw new ArgusError('io_failed', 'database is down');
      return id === 'quy-nhon' ? { id, provinces: [77] } : undefined;
    };
    const svc = createStageProvider({ config, evidence: serviceEvidence(await dataDir()), startPlates: start, siteOf });
    for (const site of ['quy-nhon', 'down', 'nowhere', 'dn']) await svc.stages({ ...camera('a'), id: `cam-${site}`, site }, log);
    // dn is in the site file: its entry is used as it is (no provinces there), not the store's.
    expect(started).toEqual(['quy-nhon [77]', 'down []', 'nowhere []', 'dn []']);
    expect(warnings).toEqual(['plate reader: the stored site is unavailable, its home provinces are not used']);
    await svc.close();
  });
});

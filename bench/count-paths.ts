/**
 * One camera config, counted by both runners: the service (buildServer, the file looped in real time like a camera,
 * the first pass's line crossings read back from the store) and the built `argus analyze --config … --camera …`
 * (its events file). Prints the analysis settings and the counts per line, class and direction of each.
 *
 *   npx tsc -p tsconfig.build.json && ARGUS_ASSETS=… ARGUS_MODELS=… npx tsx bench/count-paths.ts \
 *     --config config/demo.yaml --camera cam-nguyen-van-linh [--line x1,y1,x2,y2 …]
 *
 * --line adds counting lines in source pixels (ids hand1, hand2, …), e.g. a hand-counted line of test/fixtures/counts.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { lineConfigOf, parseLineArg } from '../src/cli/analyze-camera.js';
import { loadConfigOrThrow } from '../src/config/load.js';
import type { CameraConfig } from '../src/config/schema.js';
import type { LineCrossEvent } from '../src/core/events.js';
import { buildServer } from '../src/server/app.js';
import { openServiceStore } from '../src/server/open-store.js';
import { probeSource } from '../src/video/probe.js';

type Counts = Record<string, Record<string, { pos: number; neg: number }>>;

function count(events: readonly Pick<LineCrossEvent, 'lineId' | 'cls' | 'direction' | 'ptsSec'>[], untilSec: number): Counts {
  const out: Counts = {};
  for (const e of events) {
    if (e.ptsSec >= untilSec) continue;
    const c = ((out[e.lineId] ??= {})[e.cls] ??= { pos: 0, neg: 0 });
    c[e.direction]++;
  }
  return out;
}

/** The service: the camera looped in real time; waits for one pass, then reads the stored crossings of that pass. */
async function viaService(config: Awaited<ReturnType<typeof loadConfigOrThrow>>, camera: CameraConfig, durationSec: number, dir: string): Promise<unknown> {
  const dataDir = join(dir, 'service');
  const { store } = await openServiceStore({ dataDir }, {});
  const server = await buildServer({ store, config: { ...config, cameras: [camera] }, logger: false, footage: { dataDir } });
  const started = Date.now();
  let status = server.ctx.cameras.status(camera.id)[0];
  while (Date.now() - started < 600_000) {
    await new Promise((r) => setTimeout(r, 1000));
    status = server.ctx.cameras.status(camera.id)[0];
    if (status?.settings && status.framesAnalysed > durationSec * status.settings.fps + 5) break;
  }
  await server.close();
  const { store: after } = await openServiceStore({ dataDir }, {});
  const events = (await after.listEvents({ cameraIds: [camera.id], kinds: ['line.cross'], limit: 1000 })).items.map((e) => e.payload as unknown as LineCrossEvent);
  await after.close();
  return { settings: status?.settings, lines: count(events, durationSec) };
}

/** The built CLI on the same camera config. */
async function viaCli(camera: CameraConfig, config: object, dir: string): Promise<unknown> {
  const file = join(dir, 'camera.yaml');
  await writeFile(file, JSON.stringify({ ...config, cameras: [camera] }));
  const events = join(dir, 'events.jsonl');
  const { stdout } = await promisify(execFile)(process.execPath, ['bin/argus.js', 'analyze', '--config', file, '--camera', camera.id, '--events', events, '--summary'], { maxBuffer: 1 << 26 });
  const summary = JSON.parse(stdout.trim().split('\n').at(-1)!) as { analysis: unknown };
  const crossings = (await readFile(events, 'utf8')).split('\n').filter((l) => l.includes('"line.cross"')).map((l) => JSON.parse(l) as LineCrossEvent);
  return { settings: summary.analysis, lines: count(crossings, Infinity) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: 'string' }, camera: { type: 'string' }, line: { type: 'string', multiple: true } } });
  if (!values.config || !values.camera) throw new Error('usage: --config FILE --camera ID [--line x1,y1,x2,y2 …]');
  const config = await loadConfigOrThrow(values.config);
  const base = config.cameras.find((c) => c.id === values.camera);
  if (!base) throw new Error(`no camera ${values.camera} in ${values.config}`);
  const info = await probeSource(base.source);
  if (info.durationSec === undefined) throw new Error('the camera source must be a file (one pass is counted)');
  const hand = (values.line ?? []).map((l, i) => ({ ...lineConfigOf(parseLineArg(l, i), info), id: `hand${i + 1}` }));
  const camera: CameraConfig = { ...base, lines: [...base.lines, ...hand], recording: { ...base.recording, enabled: false } };
  const dir = await mkdtemp(join(tmpdir(), 'argus-count-paths-'));
  try {
    const service = await viaService(config, camera, info.durationSec, dir);
    const cli = await viaCli(camera, { version: 1, sites: config.sites }, dir);
    process.stdout.write(`${JSON.stringify({ camera: camera.id, source: camera.source, durationSec: info.durationSec, service, cli })}\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();

/**
 * `npm run bench`: every figure the issues ask for, printed as one JSON object on stdout (progress on stderr).
 * Select parts with ARGUS_BENCH=video,vision,… (default: all). Assets: ARGUS_ASSETS (default ../shared/assets).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

process.env.ARGUS_ASSETS ??= resolve(process.cwd(), '../shared/assets');
process.env.ARGUS_MODELS ??= resolve(process.env.ARGUS_ASSETS, 'models');
process.env.ARGUS_BENCH_CLIP ??= resolve(process.env.ARGUS_ASSETS, 'videos/opencv4nodejs_traffic.mp4');

type Part = () => Promise<unknown>;
const PARTS: Record<string, Part> = {
  video: async () => {
    const m = await import('./video.js');
    return { ...(await m.benchDecode()), ...(await m.benchMotion()), ...m.benchAnnotate() };
  },
  vision: async () => {
    const m = await import('./vision.js');
    return { detectors: await m.benchDetectors(), poolConfigs: await m.benchPoolConfigs(), letterbox: m.benchLetterbox() };
  },
  faces: async () => (await import('./faces.js')).benchFaces(),
  tracking: async () => (await import('./tracking.js')).benchTracker(),
  pipeline: async () => {
    const m = await import('./pipeline.js');
    return { ...(await m.benchEndToEnd()), motionGate: await m.benchMotionGate() };
  },
  plates: async () => (await import('./plates.js')).benchPlates(),
  anpr: async () => (await import('./anpr.js')).benchAnpr(),
  rules: async () => {
    const m = await import('./rules.js');
    return { ...(await m.benchRules()), speedAccuracy: m.benchSpeedAccuracy() };
  },
  evidence: async () => (await import('./evidence.js')).evidenceWriteVerify(),
  store: async () => (await import('./store.js')).benchStore(),
  memory: async () => (await import('./pipeline.js')).benchMemorySoak(),
  api: async () => (await import('./server.js')).benchApi(),
  csv: async () => (await import('./csv.js')).benchCsv(),
  'face-search': async () => (await import('./face-search.js')).benchFaceSearch(),
  'scale-bus': async () => (await import('./bus.js')).benchScaleBus(),
  capacity: async () => (await import('./capacity.js')).benchCapacity(),
  scale: async () => {
    const m = await import('./scale.js');
    return m.benchScale(m.scaleOptionsFromEnv());
  },
};

async function run(): Promise<void> {
  if (!existsSync(process.env.ARGUS_ASSETS!)) {
    process.stderr.write(`bench: assets not found at ${process.env.ARGUS_ASSETS} (set ARGUS_ASSETS)\n`);
    process.exitCode = 2;
    return;
  }
  const wanted = (process.env.ARGUS_BENCH ?? Object.keys(PARTS).join(',')).split(',').map((s) => s.trim());
  const out: Record<string, unknown> = { machine: { cores: (await import('node:os')).cpus().length, node: process.version } };
  for (const name of wanted) {
    const part = PARTS[name];
    if (!part) {
      process.stderr.write(`bench: unknown part "${name}" (parts: ${Object.keys(PARTS).join(', ')})\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`bench: ${name}…\n`);
    const t0 = performance.now();
    try {
      out[name] = await part();
    } catch (e) {
      out[name] = { error: e instanceof Error ? e.message : String(e) };
    }
    process.stderr.write(`bench: ${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

await run();

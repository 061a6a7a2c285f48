import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { loadConfigOrThrow } from '../../config/load.js';
import type { ArgusConfig, CameraConfig, SiteConfig } from '../../config/schema.js';
import { ArgusError } from '../../core/errors.js';
import type { FrameSize } from '../../core/geometry.js';
import { countLineFromConfig, type CountLine } from '../../rules/line-counter.js';
import type { AnalysisSummary, FrameResult } from '../../pipeline/analysis.js';
import { Annotator } from '../../pipeline/annotate.js';
import { JsonlWriter } from '../../pipeline/jsonl.js';
import { Progress } from '../../pipeline/progress.js';
import { runReplay } from '../../pipeline/replay.js';
import { analysisSettings } from '../../pipeline/settings.js';
import { analyzeSinks } from '../analyze-sinks.js';
import { buildCameraChain, type CameraChain, type ChainSummary } from '../../pipeline/runtime/build.js';
import { ownDetectors } from '../../pipeline/runtime/detectors.js';
import { createStageProvider, type StageProvider } from '../../pipeline/runtime/stages.js';
import { probeSource } from '../../video/probe.js';
import { openVideoWriter, type VideoWriter } from '../../video/writer.js';
import { DEFAULT_MODEL, modelsDir } from '../../vision/models.js';
import { cameraForAnalyze, lineConfigOf, parseLineArg } from '../analyze-camera.js';
import { parseCommandArgs } from '../args.js';

export { parseLineArg } from '../analyze-camera.js';

const HELP = `Usage: argus analyze <source> [options]
       argus analyze --config FILE --camera ID [options]
       argus analyze <source> --anpr [--events FILE] [--summary]
       argus analyze --replay TRACKS.jsonl [--config FILE --camera ID] [--line …] [--events FILE] [--summary]

Analyse a video file or a stream (rtsp://, http(s)://): detect and track vehicles and people, count line
crossings, run the camera's traffic rules (with --config/--camera), and write events and evidence.

Options:
  --config FILE        Site configuration (YAML); with --camera, takes the source, lines and settings
  --camera ID          Camera id in the configuration
  --line x1,y1,x2,y2   Counting line in source pixels (repeatable; ids L1, L2, … in order)
  --model NAME         Detector model (default ${DEFAULT_MODEL}; see \`argus models list\`)
  --fps N              Analysed frames per second (default: config, else the source's, at most 15)
  --width N            Analysis width in pixels (default: source width, at most 1280)
  --tiles N            Detect on N overlapping vertical tiles (default: auto, by frame width)
  --min-score X        Minimum detection confidence handed to the tracker (default 0.1)
  --no-motion          Run the detector on every frame (disable the motion gate)
  --realtime           Files: pace at real time, like a live camera
  --events FILE        Write events as JSON Lines: line.cross, plate.read, and with rules violation / alert /
                       zone.enter / zone.exit (id, kind, time, camera, plate when read, class,
                       measurements, evidence reference)
  --evidence DIR       Write signed evidence for every violation into DIR/<violation id>/ (stills,
                       plate or vehicle close-up, composite, clip ≥ 5 s, metadata, signed manifest);
                       check with \`argus evidence verify DIR\`
  --evidence-key DIR   Ed25519 signing key directory (created when absent; default DIR/.keys)
  --plates             Read licence plates of vehicle tracks (a few crops per vehicle, in a worker
                       thread); one plate.read event per vehicle pass (at its line crossing or when
                       it leaves), only grammar-valid fused reads; violations carry the plate
  --anpr               ANPR camera: read plates on the whole frame when there is motion (and every
                       keep-alive period), no vehicle detector or model needed; plates are tracked
                       over frames and each track's reads fused: one plate.read per pass, plates
                       cut off at the edge or read inconsistently counted as partial (summary),
                       not reported; the same plate within --dedup-sec of its last sighting is
                       one pass
  --dedup-sec N        --anpr: seconds that join sightings of one plate into one pass (default 10)
  --attributes         Summarise every track that lived ≥ 1 s when it ends: its class, the dominant
                       colours of a person's upper and lower body or of a vehicle's body, its first and
                       last time and box, its best crop (track.attributes events, for attribute search)
  --record-tracks FILE Record every analysed frame's tracks (JSON Lines) for --replay
  --replay FILE        Run the counting lines and the camera's rules on recorded tracks: no video, no
                       model; the summary's line counts equal the recorded run's
  --annotate FILE      Write a video with boxes, track ids, trails and line counters
  --summary            Print a JSON summary as the last line of stdout
  -h, --help           This help

Models are looked up in ARGUS_MODELS (or ./models).`;

const OPTIONS = {
  config: { type: 'string' },
  camera: { type: 'string' },
  line: { type: 'string', multiple: true },
  model: { type: 'string' },
  fps: { type: 'string' },
  width: { type: 'string' },
  tiles: { type: 'string' },
  'min-score': { type: 'string' },
  'no-motion': { type: 'boolean' },
  realtime: { type: 'boolean' },
  events: { type: 'string' },
  evidence: { type: 'string' },
  'evidence-key': { type: 'string' },
  'record-tracks': { type: 'string' },
  attributes: { type: 'boolean' },
  plates: { type: 'boolean' },
  anpr: { type: 'boolean' },
  'dedup-sec': { type: 'string' },
  replay: { type: 'string' },
  annotate: { type: 'string' },
  summary: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const positiveNumber = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new ArgusError('invalid_argument', `--${name} "${v}": expected a positive number`);
  return n;
};

const positiveInteger = (name: string, v: string | undefined): number | undefined => {
  const n = positiveNumber(name, v);
  if (n !== undefined && !Number.isInteger(n)) throw new ArgusError('invalid_argument', `--${name} "${v}": expected a whole number`);
  return n;
};

interface CameraSetup {
  readonly config: ArgusConfig;
  readonly camera: CameraConfig;
  readonly site: SiteConfig | undefined;
}

/** The camera of --config/--camera, through the one config loader (`${VAR}` substitution, as `argus serve`). */
async function cameraFromConfig(file: string | undefined, id: string | undefined): Promise<CameraSetup | undefined> {
  if (file === undefined && id === undefined) return undefined;
  if (file === undefined || id === undefined) throw new ArgusError('invalid_argument', '--config and --camera go together');
  const cfg = await loadConfigOrThrow(file);
  const cam = cfg.cameras.find((c) => c.id === id);
  if (!cam) throw new ArgusError('invalid_argument', `camera "${id}" is not in ${file} (cameras: ${cfg.cameras.map((c) => c.id).join(', ') || 'none'})`);
  return { config: cfg, camera: cam, site: cfg.sites.find((s) => s.id === cam.site) };
}

type Values = ReturnType<typeof parseCommandArgs<typeof OPTIONS>>['values'];

/** The flags' counting lines and the camera's, in source pixels for a source size (the same numbers live and on replay). */
const linesOf = (cliLines: readonly CountLine[], camera: CameraConfig | undefined) => (size: FrameSize): CountLine[] => [
  ...cliLines.map((l) => countLineFromConfig(lineConfigOf(l, size), size)),
  ...(camera?.lines ?? []).map((l) => countLineFromConfig(l, size)),
];

/** `--replay`: the counting lines and rules over a recorded track log; no video, no model. */
async function replay(values: Values, setup: CameraSetup | undefined, cliLines: readonly CountLine[]): Promise<number> {
  const file = values.replay!;
  for (const opt of ['evidence', 'annotate', 'record-tracks'] as const) {
    if (values[opt] !== undefined) throw new ArgusError('invalid_argument', `--${opt} cannot be used with --replay (no video)`);
  }
  const camera = setup?.camera;
  const events = values.events ? new JsonlWriter(values.events) : undefined;
  let summary;
  try {
    summary = await runReplay({
      file,
      cameraId: camera?.id ?? 'cli',
      camera,
      siteTz: setup?.site?.timezone ?? 'Asia/Ho_Chi_Minh',
      lines: linesOf(cliLines, camera),
      ...(events ? { onEvent: (e) => events.write(e) } : {}),
    });
  } finally {
    await events?.close();
  }
  if (values.summary) printSummary(file, summary, {});
  return 0;
}

function printSummary(source: string, s: Pick<AnalysisSummary, 'frames' | 'seconds' | 'fps' | 'lines'>, extra: object): void {
  const out = { source, frames: s.frames, seconds: s.seconds, fps: s.fps, lines: Object.entries(s.lines).map(([id, counts]) => ({ id, counts })), ...extra };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

export async function analyze(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const setup = await cameraFromConfig(values.config, values.camera);
  const cliLines = (values.line ?? []).map(parseLineArg);
  if (values.replay !== undefined) {
    if (positionals.length > 0) throw new ArgusError('invalid_argument', '--replay takes no video source');
    return replay(values, setup, cliLines);
  }
  const url = positionals[0] ?? setup?.camera.source;
  if (url === undefined || positionals.length > 1) {
    process.stderr.write(`${HELP}\n`);
    return 2;
  }
  if (values['evidence-key'] !== undefined && values.evidence === undefined) throw new ArgusError('invalid_argument', '--evidence-key goes with --evidence DIR');
  if (values.anpr) {
    for (const opt of ['plates', 'attributes', 'evidence', 'annotate', 'record-tracks', 'line', 'model', 'tiles', 'min-score'] as const) {
      if (values[opt] !== undefined) throw new ArgusError('invalid_argument', `--${opt} cannot be used with --anpr`);
    }
  } else if (values['dedup-sec'] !== undefined) throw new ArgusError('invalid_argument', '--dedup-sec goes with --anpr');
  if (values.evidence !== undefined && !setup) throw new ArgusError('invalid_argument', '--evidence needs the camera rules: give --config FILE --camera ID');
  return run(url, values, setup, cliLines);
}

/** The stages after tracking as the flags ask: the plate reader, evidence into --evidence DIR, the track log. */
function analyzeStages(values: Values, setup: CameraSetup | undefined): StageProvider {
  const evidenceDir = values.evidence;
  return createStageProvider({
    config: setup?.config,
    // No vehicle detector in ANPR mode: the plate reader may have every core (one worker per core, up to 2).
    plateWorkers: values.anpr ? Math.min(2, availableParallelism()) : 1,
    platesRequired: true,
    faces: { modelsDir: modelsDir(), model: setup?.config.faces.model },
    attributes: values.attributes === true,
    ...(values['record-tracks'] !== undefined ? { recordTracksFile: values['record-tracks'] } : {}),
    ...(evidenceDir !== undefined ? {
      evidence: {
        dir: evidenceDir, keyDir: values['evidence-key'] ?? join(evidenceDir, '.keys'),
        onProblem: (_camera, v, problem) => process.stderr.write(`argus analyze: violation ${v.id} (${v.violation}): ${problem}\n`),
      },
    } : {}),
  });
}

/** The camera's chain (the service's builder) over the source, with the flags written into its config. */
async function run(url: string, values: Values, setup: CameraSetup | undefined, cliLines: readonly CountLine[]): Promise<number> {
  // Probe first: a broken source fails in seconds with one clear line, before any model loads.
  const info = await probeSource(url);
  const camera = cameraForAnalyze(url, {
    fps: positiveNumber('fps', values.fps),
    width: positiveNumber('width', values.width),
    tiles: positiveInteger('tiles', values.tiles),
    minScore: positiveNumber('min-score', values['min-score']),
    model: values.model,
    noMotion: values['no-motion'],
    plates: values.plates,
    anpr: values.anpr,
    lines: cliLines,
  }, setup?.camera, info);
  const dedupSec = positiveNumber('dedup-sec', values['dedup-sec']);
  const evidenceDir = values.evidence;
  const stages = analyzeStages(values, setup);
  const detectors = ownDetectors();
  let chain: CameraChain;
  try {
    chain = await buildCameraChain({ camera, info, source: { realtime: values.realtime === true, loop: false }, detectors, stages, ...(dedupSec ? { anpr: { dedupSec } } : {}) });
  } catch (e) {
    await detectors.close();
    await stages.close();
    throw e;
  }
  const sinks = await analyzeSinks({ eventsFile: values.events, evidenceDir });
  let writer: VideoWriter | undefined;
  const annotator = values.annotate ? new Annotator((size) => chain.lines(size)) : undefined;
  const progress = chain.mode === 'vehicles' ? new Progress(`analyze ${url}`, info.durationSec) : undefined;
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const onFrame = async (r: FrameResult): Promise<void> => {
    progress?.update(r.frame.index + 1, r.frame.ptsSec, ` tracks ${r.tracks.length}`);
    if (!annotator || !values.annotate) return;
    writer ??= await openVideoWriter({ file: values.annotate, width: r.frame.size.width, height: r.frame.size.height, fps: chain.settings.fps });
    annotator.draw(r);
    await writer.write(r.frame.rgb);
  };
  let summary: ChainSummary;
  try {
    summary = await chain.run({ onEvent: (e) => sinks.outputs.event(e), onFrame, signal: abort.signal });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    progress?.done();
    await chain.close();
    await detectors.close();
    await sinks.close();
    await writer?.close();
    await stages.close();
  }
  if (summary.frames === 0) throw chain.source.lastError() ?? new ArgusError('source_corrupt', `${url}: no frame could be decoded`);
  if (values.summary) printRunSummary(url, chain, summary);
  return 0;
}

function printRunSummary(url: string, chain: CameraChain, summary: ChainSummary): void {
  const analysis = analysisSettings(chain.settings);
  if (summary.anpr) {
    printSummary(url, { ...summary, lines: {} }, { wallSec: summary.wallSec, ...summary.anpr, analysis });
    return;
  }
  const plates = chain.stageSet.plates?.stats();
  const ev = chain.stageSet.evidence?.stats();
  printSummary(url, summary, {
    detectorCalls: summary.detectorCalls, events: summary.events, ...(plates ? { plates: plates.emitted, plateReads: plates } : {}),
    ...(ev ? { evidence: ev } : {}), stages: summary.stages, analysis,
  });
}

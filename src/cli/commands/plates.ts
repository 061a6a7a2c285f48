/**
 * `argus plates read <image…>`: one JSON line per image {file, plate, display, confidence, category, lines}.
 * `argus plates eval --labels FILE.csv [--images DIR] [--failures] [--diagnose]`: accuracy on a labelled set; the last
 * stdout line is {total, exact, accuracy, charAccuracy, msPerPlate, …} (with --diagnose, failureClasses too).
 */
import type { Box } from '../../core/box.js';
import { isVehicleClass, VEHICLE_CLASSES } from '../../core/classes.js';
import { ArgusError } from '../../core/errors.js';
import { parseCommandArgs } from '../args.js';
import { createPlateReader, evaluateLabels, homeProvinceSeed, loadRgb, PROVINCE_CODES, type PlateReader, type PlateReaderOptions } from '../../plates/index.js';

const USAGE = `Usage:
  argus plates read <image…> [--find] [--vehicle KIND]
                       read plate crops (--find: locate plates in vehicle/scene photos; --vehicle: the vehicle
                       they show, motorcycle|car|bus|truck, makes plates it does not carry less likely)
  argus plates eval --labels FILE.csv [--images DIR] [--failures] [--diagnose]
                       a header row may name a 'vehicle' column (the same kinds, empty = unknown)
                       --failures: each miss on stderr; --diagnose: class the misses (noRead, outscored,
                       searchMissed, misread) by where the right plate stood; the reading is unchanged
Both:
  --provinces 77,81    the site's home province codes (seed the site prior)
  --no-site-prior      do not learn the site's province and series mix from confident reads
`;

const PRIOR_OPTIONS = { provinces: { type: 'string' }, 'no-site-prior': { type: 'boolean' } } as const;

export async function plates(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'read') return read(rest);
  if (sub === 'eval') return evaluate(rest);
  if (sub === undefined || sub === '--help' || sub === '-h') {
    process.stdout.write(USAGE);
    return sub === undefined ? 2 : 0;
  }
  throw new ArgusError('invalid_argument', `unknown plates command "${sub}"\n${USAGE}`);
}

/** The reader's site prior from the command line: off, learnt, or learnt from a seed of home provinces. */
function sitePriorOf(values: { provinces?: string; 'no-site-prior'?: boolean }): PlateReaderOptions['sitePrior'] {
  if (values['no-site-prior']) return false;
  if (values.provinces === undefined) return undefined;
  const codes = values.provinces.split(',').map((c) => Number(c.trim()));
  const bad = codes.filter((c) => !PROVINCE_CODES.has(c));
  if (bad.length > 0 || codes.length === 0) throw new ArgusError('invalid_argument', `--provinces: not a province code: ${values.provinces}`);
  return { seed: homeProvinceSeed(codes) };
}

async function withReader<T>(sitePrior: PlateReaderOptions['sitePrior'], fn: (r: PlateReader) => Promise<T>): Promise<T> {
  const reader = await createPlateReader({ threads: 2, sitePrior });
  try {
    return await fn(reader);
  } finally {
    await reader.close();
  }
}

async function read(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { find: { type: 'boolean' }, vehicle: { type: 'string' }, ...PRIOR_OPTIONS });
  if (positionals.length === 0) throw new ArgusError('invalid_argument', `no image given\n${USAGE}`);
  const vehicle = values.vehicle;
  if (vehicle !== undefined && !isVehicleClass(vehicle)) {
    throw new ArgusError('invalid_argument', `--vehicle: expected one of ${VEHICLE_CLASSES.join(', ')}, got "${vehicle}"`);
  }
  const hints = vehicle ? { vehicle } : {};
  return withReader(sitePriorOf(values), async (reader) => {
    let code = 0;
    for (const file of positionals) {
      let img;
      try {
        img = await loadRgb(file);
      } catch (e) {
        process.stdout.write(`${JSON.stringify({ file, plate: null, display: null, confidence: 0, category: null, lines: [], reason: 'unreadable' })}\n`);
        process.stderr.write(`argus plates: ${(e as Error).message}\n`);
        code = 1;
        continue;
      }
      // A plate crop is read directly. A photo (--find, or a large image whose text covers little of it,
      // or a crop read that finds nothing) goes through localisation first.
      let r = values.find ? undefined : await reader.readCrop(img.data, img.width, img.height, hints);
      const scene = !r?.read || looksLikeScene(r.read.box, img.width, img.height);
      if (scene || (Math.max(img.width, img.height) >= 400 && r!.read!.confidence < 0.3)) {
        const found = (await reader.findAndRead(img.data, img.width, img.height, hints))[0];
        if (found && (scene || found.read!.confidence >= r!.read!.confidence)) r = found;
      }
      const p = r?.read;
      const line = p
        ? { file, plate: p.plate, display: p.display, confidence: Math.round(p.confidence * 1000) / 1000, category: p.category, lines: p.lines }
        : { file, plate: null, display: null, confidence: 0, category: null, lines: [], reason: r?.reason ?? 'no_plate_found' };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    }
    return code;
  });
}

/** A large image whose plate-like text covers under a fifth of it is a scene, not a plate crop. */
function looksLikeScene(box: Box | undefined, width: number, height: number): boolean {
  if (!box || Math.max(width, height) < 400) return false;
  return ((box.x2 - box.x1) * (box.y2 - box.y1)) / (width * height) < 0.2;
}

async function evaluate(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { labels: { type: 'string' }, images: { type: 'string' }, failures: { type: 'boolean' }, diagnose: { type: 'boolean' }, ...PRIOR_OPTIONS }, false);
  if (!values.labels) throw new ArgusError('invalid_argument', `--labels is required\n${USAGE}`);
  const tty = process.stderr.isTTY === true;
  const summary = await withReader(sitePriorOf(values), (reader) =>
    evaluateLabels({
      labelsPath: values.labels!,
      imagesDir: values.images,
      reader,
      diagnose: values.diagnose === true,
      onProgress: tty ? (done, total) => process.stderr.write(`\r${done}/${total}`) : undefined,
      onFailure: values.failures
        ? (f) => process.stderr.write(`${tty ? '\r' : ''}MISS ${f.image} expected=${f.expected} got=${f.got ?? '-'}${f.class ? ` class=${f.class}` : ''} raw=${f.raw.join(' ')}${f.validLabel ? '' : ' (label not a valid plate)'}\n`)
        : undefined,
    }),
  );
  if (tty) process.stderr.write('\n');
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  return 0;
}

import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ArgusError } from '../../core/errors.js';
import { modelsDir } from '../../vision/models.js';
import { parseCommandArgs } from '../args.js';

const HELP = `Usage:
  argus faces eval --labels FILE --images DIR [--model NAME] [--models DIR] [--threads N]
  argus faces convert [--out FILE]

eval: embeds every aligned face of a labels CSV (image,identity; images 112×112 ArcFace-aligned crops) and prints
one JSON line last: rank1 (leave-one-out), tarAtFar1e3 and tarAtFar1e2 (over all genuine/impostor pairs),
msPerFace, model, faces, people. Progress goes to stderr. Models: --models, else $ARGUS_MODELS, else ./models,
then the project's data/models.
convert: writes face-api's 128-d ResNet as ONNX (default data/models/face/faceapi_resnet_128d.onnx).`;

async function readLabels(file: string): Promise<{ image: string; identity: string }[]> {
  const lines = (await readFile(file, 'utf8')).split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines.shift()?.split(',').map((s) => s.trim()) ?? [];
  const ii = header.indexOf('image');
  const ci = header.indexOf('identity');
  if (ii < 0 || ci < 0) throw new ArgusError('invalid_argument', `${file}: needs the columns image,identity`);
  return lines.map((l) => {
    const cells = l.split(',');
    return { image: cells[ii]!.trim(), identity: cells[ci]!.trim() };
  });
}

async function evalCommand(values: Record<string, string | boolean | undefined>): Promise<number> {
  const { createFaceEmbedder, DEFAULT_FACE_EMBEDDER, evaluateEmbeddings, loadImageFrame } = await import('../../vision/faces/index.js');
  if (typeof values.labels !== 'string') throw new ArgusError('invalid_argument', 'eval needs --labels FILE');
  const labels = await readLabels(values.labels);
  const imagesDir = typeof values.images === 'string' ? values.images : join(dirname(values.labels), 'images');
  const model = typeof values.model === 'string' ? values.model : DEFAULT_FACE_EMBEDDER;
  const threads = typeof values.threads === 'string' ? Number(values.threads) : 1;
  if (!Number.isInteger(threads) || threads < 1) throw new ArgusError('invalid_argument', '--threads must be a positive integer');
  const embedder = await createFaceEmbedder({ modelsDir: modelsDir(typeof values.models === 'string' ? values.models : undefined), model, threads });
  try {
    process.stderr.write(`faces eval: ${labels.length} images, model ${model}\n`);
    const faces = [];
    for (const l of labels) {
      const f = await loadImageFrame(resolve(imagesDir, l.image));
      if (f.size.width !== f.size.height) throw new ArgusError('invalid_argument', `${l.image}: aligned faces must be square (got ${f.size.width}×${f.size.height})`);
      faces.push({ rgb: f.rgb, size: f.size.width, template: 'arcface' as const });
    }
    await embedder.embed(faces.slice(0, 1)); // warm-up: first run allocates
    const t0 = performance.now();
    const embeddings = [];
    for (let i = 0; i < faces.length; i += 16) {
      embeddings.push(...(await embedder.embed(faces.slice(i, i + 16))));
      process.stderr.write(`faces eval: embedded ${Math.min(i + 16, faces.length)}/${faces.length}\n`);
    }
    const msPerFace = (performance.now() - t0) / Math.max(1, faces.length);
    const r = evaluateEmbeddings(embeddings, labels.map((l) => l.identity));
    process.stderr.write(`faces eval: genuine pairs ${r.genuinePairs}, impostor pairs ${r.impostorPairs}, threshold at FAR 1e-3 ${r.thresholdAtFar1e3.toFixed(3)}\n`);
    const round = (x: number, d = 4): number => Math.round(x * 10 ** d) / 10 ** d;
    process.stdout.write(
      `${JSON.stringify({
        rank1: round(r.rank1), tarAtFar1e3: round(r.tarAtFar1e3), tarAtFar1e2: round(r.tarAtFar1e2), msPerFace: round(msPerFace, 2),
        model, faces: r.faces, people: r.people, thresholdAtFar1e3: round(r.thresholdAtFar1e3), thresholdAtFar1e2: round(r.thresholdAtFar1e2), threads,
        impostorPairs: r.impostorPairs, farCurve: r.farCurve,
      })}\n`,
    );
    return 0;
  } finally {
    await embedder.close();
  }
}

async function convertCommand(values: Record<string, string | boolean | undefined>): Promise<number> {
  const { convertFaceApiResnet } = await import('../../vision/faces/convert/index.js');
  const { projectModelsDir } = await import('../../vision/faces/models-dir.js');
  const out = typeof values.out === 'string' ? resolve(values.out) : join(projectModelsDir(), 'face', 'faceapi_resnet_128d.onnx');
  const bytes = convertFaceApiResnet(out);
  process.stdout.write(`faces convert: wrote ${out} (${(bytes / 1_048_576).toFixed(1)} MB)\n`);
  return 0;
}

export async function faces(argv: string[]): Promise<number> {
  const { positionals, values } = parseCommandArgs(argv, {
    help: { type: 'boolean', short: 'h' },
    labels: { type: 'string' },
    images: { type: 'string' },
    model: { type: 'string' },
    models: { type: 'string' },
    threads: { type: 'string' },
    out: { type: 'string' },
  });
  const [sub] = positionals;
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (sub === 'eval') return evalCommand(values);
  if (sub === 'convert') return convertCommand(values);
  process.stderr.write(`${HELP}\n`);
  return 2;
}

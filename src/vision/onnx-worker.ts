/**
 * Worker thread holding one onnxruntime InferenceSession. Started by onnx-pool.ts; never imported directly.
 * `run()` blocks this thread, not the main event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import ort from 'onnxruntime-node';
import { letterbox } from './letterbox.js';
import type { FromWorker, ImageFeed, TensorData, ToWorker, WorkerInit } from './onnx-protocol.js';

const port = parentPort;
const init = workerData as WorkerInit;

const post = (m: FromWorker, transfer: ArrayBuffer[] = []): void => port?.postMessage(m, transfer);

/** An output view that owns its whole buffer can be transferred; otherwise copy it out. */
function ownBuffer(data: Float32Array): Float32Array {
  return data.byteOffset === 0 && data.buffer.byteLength === data.byteLength && data.buffer instanceof ArrayBuffer ? data : data.slice();
}

async function start(): Promise<void> {
  if (!port) throw new Error('onnx-worker must run in a worker thread');
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(init.modelPath, {
      executionProviders: ['cpu'],
      intraOpNumThreads: init.intraOpNumThreads,
      interOpNumThreads: init.interOpNumThreads,
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    });
  } catch (e) {
    post({ type: 'fatal', message: e instanceof Error ? e.message : String(e) });
    return;
  }
  const live = session;
  port.on('message', (m: ToWorker) => {
    if (m.type === 'close') {
      live.release().then(
        () => port.close(),
        (e: unknown) => {
          post({ type: 'fatal', message: `release failed: ${e instanceof Error ? e.message : String(e)}` });
          port.close();
        },
      );
      return;
    }
    if (m.type === 'run-image') void runImage(live, m.id, m.image);
    else void runJob(live, m.id, m.feeds);
  });
  post({ type: 'ready', inputNames: [...session.inputNames], outputNames: [...session.outputNames] });
}

/** Letterboxes the picture here (off the main thread), then runs it. */
async function runImage(session: ort.InferenceSession, id: number, image: ImageFeed): Promise<void> {
  let lb: ReturnType<typeof letterbox>;
  const t0 = performance.now();
  try {
    lb = letterbox({ rgb: image.rgb, size: { width: image.width, height: image.height }, sourceSize: { width: image.sourceWidth, height: image.sourceHeight } }, image.letterbox);
  } catch (e) {
    post({ type: 'error', id, message: e instanceof Error ? e.message : String(e) });
    return;
  }
  await runJob(session, id, { [image.input]: { data: lb.tensor, dims: lb.dims } }, { preMs: performance.now() - t0, transform: lb.transform });
}

async function runJob(session: ort.InferenceSession, id: number, feeds: Readonly<Record<string, TensorData>>, extra: Pick<Extract<FromWorker, { type: 'result' }>, 'preMs' | 'transform'> = {}): Promise<void> {
  try {
    const inputs: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) inputs[name] = new ort.Tensor('float32', t.data, [...t.dims]);
    const t0 = performance.now();
    const result = await session.run(inputs);
    const runMs = performance.now() - t0;
    const outputs: Record<string, TensorData> = {};
    const transfer: ArrayBuffer[] = [];
    for (const [name, value] of Object.entries(result)) {
      if (!(value.data instanceof Float32Array)) throw new Error(`output ${name} is ${value.type}, only float32 outputs are supported`);
      const data = ownBuffer(value.data);
      outputs[name] = { data, dims: [...value.dims] };
      transfer.push(data.buffer as ArrayBuffer);
    }
    post({ type: 'result', id, outputs, runMs, ...extra }, transfer);
  } catch (e) {
    post({ type: 'error', id, message: e instanceof Error ? e.message : String(e) });
  }
}

start().catch((e: unknown) => post({ type: 'fatal', message: e instanceof Error ? e.message : String(e) }));

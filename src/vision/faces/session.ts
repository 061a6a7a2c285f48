import * as ort from 'onnxruntime-node';
import { ArgusError } from '../../core/errors.js';

/** One onnxruntime CPU session (the one runtime every face model runs on). */
export async function openSession(path: string, threads = 1): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(path, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    });
  } catch (e) {
    throw new ArgusError('model_invalid', `cannot load ONNX model ${path}`, { cause: e });
  }
}

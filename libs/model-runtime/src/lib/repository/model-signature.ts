import * as ort from 'onnxruntime-node';
import { ModelRepositoryError } from '../errors';

/** One input or output as the ONNX file declares it: element type as onnxruntime names it, -1 for a symbolic dimension. */
export interface SignatureTensor {
  name: string;
  type: string;
  shape: number[];
}

/** The inputs and outputs an ONNX model declares. */
export interface ModelSignature {
  inputs: SignatureTensor[];
  outputs: SignatureTensor[];
}

function toSignature(meta: readonly ort.InferenceSession.ValueMetadata[], file: string): SignatureTensor[] {
  return meta.map((value) => {
    if (!value.isTensor) throw new ModelRepositoryError(`${file}: "${value.name}" is not a tensor (sequences and maps are not served)`, file, 'invalid_config');
    // A named dimension ("batch", "sequence") or an unnamed dynamic one is free: -1, as in config.json.
    return { name: value.name, type: value.type, shape: value.shape.map((d) => (typeof d === 'number' && d > 0 ? d : -1)) };
  });
}

/**
 * Reads the inputs and outputs of an ONNX model from the model itself. It opens a CPU session without graph
 * optimisation (the cheapest way to have onnxruntime parse the file) and releases it at once.
 */
export async function readModelSignature(file: string): Promise<ModelSignature> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(file, { executionProviders: ['cpu'], graphOptimizationLevel: 'disabled' });
  } catch (error) {
    throw new ModelRepositoryError(`${file} cannot be read as an ONNX model: ${(error as Error).message}`, file, 'invalid_config');
  }
  try {
    return { inputs: toSignature(session.inputMetadata, file), outputs: toSignature(session.outputMetadata, file) };
  } finally {
    await session.release();
  }
}

// The model runtime's public API: what the inference service and the tests use. Everything else stays inside.
export { BadInputError } from './lib/bad-input-error';
export { burnCpuInWorkers, burnCpuSync } from './lib/cpu-burner';
export type { TensorMap } from './lib/dynamic-batcher';
export { probeGpus } from './lib/gpu-probe';
export { createImageClassifier, type ImageClassifier } from './lib/image-classifier';
export { tensorToV2Output, toV2Metadata, v2InputToTensor } from './lib/kserve-tensors';
export { loadModel, type LoadedModel } from './lib/loaded-model';
export { resolveModelVersion, type ModelVersion } from './lib/model-repository';
export { ModelRepositoryError } from './lib/model-repository-error';
export { createInferenceSession } from './lib/session-factory';
export { createTabularClassifier, type TabularClassifier } from './lib/tabular-classifier';
export { WorkerSession, type RunnableSession } from './lib/worker-session';

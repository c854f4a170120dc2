// The model runtime's public API: what the inference service and the tests use. Everything else stays inside.
export { BadInputError } from './lib/bad-input-error';
export { burnCpuInWorkers, burnCpuSync } from './lib/cpu-burner';
export { type BatchFeeds, type TensorMap } from './lib/dynamic-batcher';
export { probeGpus } from './lib/gpu-probe';
export { type ImageClassifier, createImageClassifier } from './lib/image-classifier';
export { createImagePreprocessor } from './lib/image-preprocessor';
export { tensorToV2BinaryOutput, tensorToV2Output, toV2Metadata, v2BinaryDataSize, v2BinaryInputToTensor, v2InputToTensor } from './lib/kserve-tensors';
export { AUTO_SIDE_BY_SIDE_MAX_BYTES, type LoadedModel, loadModel } from './lib/loaded-model';
export { autoCompleteModelVersion } from './lib/model-auto-complete';
export { ModelRepositoryError } from './lib/model-repository-error';
export { type ModelVersion, listModelVersions, resolveModelVersion } from './lib/model-repository';
export { softmax } from './lib/probabilities';
export { REQUEST_STAGES, type RequestStage, StageClock, type StageTimes } from './lib/request-stages';
export { createInferenceSession } from './lib/session-factory';
export { type SimulatedDevice, simulatedDeviceOn } from './lib/simulated-device';
export { type TabularClassifier, createTabularClassifier } from './lib/tabular-classifier';
export { usableCores } from './lib/usable-cores';
export { type RunnableSession, WorkerSession } from './lib/worker-session';

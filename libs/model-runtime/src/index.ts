// The model runtime's public API: what the inference service and the tests use. Everything else stays inside.
export { BadInputError, ModelRepositoryError } from './lib/errors';
export { burnCpuInWorkers, burnCpuSync } from './lib/cpu-burner';
export { type BatchFeeds, type TensorMap } from './lib/batching/dynamic-batcher';
export { probeGpus } from './lib/sessions/gpu-probe';
export { type ImageClassifier, createImageClassifier } from './lib/classifiers/image-classifier';
export { createImagePreprocessor } from './lib/images/image-preprocessor';
export { tensorToV2BinaryOutput, tensorToV2Output, toV2Metadata, v2BinaryDataSize, v2BinaryInputToTensor, v2InputToTensor } from './lib/kserve/kserve-tensors';
export { AUTO_SIDE_BY_SIDE_MAX_BYTES, type LoadedModel, loadModel } from './lib/loaded-model';
export { autoCompleteModelVersion } from './lib/repository/model-auto-complete';
export { type ModelVersion, listModelVersions, resolveModelVersion } from './lib/repository/model-repository';
export { softmax } from './lib/classifiers/probabilities';
export { REQUEST_STAGES, type RequestStage, StageClock, type StageTimes } from './lib/batching/request-stages';
export { createInferenceSession } from './lib/sessions/session-factory';
export { type SimulatedDevice, simulatedDeviceOn } from './lib/sessions/simulated-device';
export { type TabularClassifier, createTabularClassifier } from './lib/classifiers/tabular-classifier';
export { usableCores } from './lib/sessions/usable-cores';
export { type RunnableSession, WorkerSession } from './lib/sessions/worker-session';

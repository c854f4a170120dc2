// The public API: what other projects use. Everything else stays inside.
export {
  EnqueueAccepted,
  EnqueueBatch,
  EnqueueBatchAccepted,
  EnqueueItem,
  EnqueueRequest,
  InferTimeout,
  JobCallback,
  JobState,
  JobStatus,
  JobTimings,
} from './lib/dispatcher';
export { ErrorBody } from './lib/error';
export { DispatcherHealth, DispatcherReadiness, GpuStatus, InferenceHealth, Liveness, Readiness } from './lib/health';
export {
  GenerateRequest,
  GenerateResponse,
  InferRequest,
  InferResponse,
  InferenceTimings,
  LabelScore,
  LoadQuery,
  PredictRequest,
  PredictResponse,
} from './lib/inference';
export {
  V2Datatype,
  V2Error,
  V2InferenceRequest,
  V2InferenceResponse,
  V2ModelMetadata,
  V2ModelReady,
  V2RequestInput,
  V2ResponseOutput,
  V2ServerLive,
  V2ServerMetadata,
  V2ServerReady,
  V2TensorMetadata,
} from './lib/kserve-v2';
export { GenerateReportRequest, RunLoadTestRequest } from './lib/load-tester';
export { ImagePreprocessing, ModelConfig, ModelName, ModelTask, TensorDataType, TensorSpec } from './lib/model-config';
export { type OpenApiInfo, type RouteDoc, buildOpenApiDocument } from './lib/openapi';
export { firstProblem } from './lib/validation';

import { z } from 'zod';
import { ModelConfig } from './model-config';

/**
 * The KServe / Open Inference Protocol v2 REST bodies (JSON tensors).
 * https://kserve.github.io/website/latest/modelserving/data_plane/v2_protocol/
 */
export const V2Datatype = z.enum(['BOOL', 'UINT8', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64', 'BYTES']);
export type V2Datatype = z.infer<typeof V2Datatype>;

export const V2TensorMetadata = z.object({
  name: z.string(),
  datatype: V2Datatype,
  shape: z.array(z.number().int()),
});
export type V2TensorMetadata = z.infer<typeof V2TensorMetadata>;

/**
 * GET /v2: server metadata. `extensions` lists the protocol extensions the server implements; this one implements
 * none of them (no binary tensor data, classification, model repository, statistics, sequence, shared memory ...).
 */
export const V2ServerMetadata = z
  .object({
    name: z.string().min(1),
    version: z.string().min(1),
    extensions: z.array(z.string()),
  })
  .strict()
  .meta({ id: 'V2ServerMetadata' });
export type V2ServerMetadata = z.infer<typeof V2ServerMetadata>;

export const V2ServerLive = z.object({ live: z.boolean() }).meta({ id: 'V2ServerLive' });
export const V2ServerReady = z.object({ ready: z.boolean() }).meta({ id: 'V2ServerReady' });
export const V2ModelReady = z.object({ name: z.string(), ready: z.boolean() }).meta({ id: 'V2ModelReady' });

export const V2ModelMetadata = z
  .object({
    name: z.string(),
    versions: z.array(z.string()),
    platform: z.string(),
    inputs: z.array(V2TensorMetadata),
    outputs: z.array(V2TensorMetadata),
    /** Extension: the config the model is served with, after auto-complete filled in what config.json left out. */
    config: ModelConfig.optional(),
    /** Extension: the config fields that came from the model file, labels.txt or defaults rather than config.json. */
    autoCompleted: z.array(z.string()).optional(),
  })
  .meta({ id: 'V2ModelMetadata' });
export type V2ModelMetadata = z.infer<typeof V2ModelMetadata>;

/** Tensor data may be flat (row-major) or nested; it is flattened and checked against the shape. */
type NestedNumbers = number | boolean | string | NestedNumbers[];
const TensorData: z.ZodType<NestedNumbers[]> = z
  .array(z.lazy(() => z.union([z.number(), z.boolean(), z.string(), TensorData])))
  .meta({ id: 'V2TensorData' }) as z.ZodType<NestedNumbers[]>;

/**
 * One input tensor: its values in `data`, or, with the binary tensor data extension, `parameters.binary_data_size`
 * bytes of raw little-endian values after the JSON header of the body (`Inference-Header-Content-Length`).
 */
export const V2RequestInput = z.object({
  name: z.string().min(1),
  shape: z.array(z.number().int().nonnegative()).min(1).max(8),
  datatype: V2Datatype,
  parameters: z.record(z.string(), z.unknown()).optional(),
  data: TensorData.optional(),
});
export type V2RequestInput = z.infer<typeof V2RequestInput>;

export const V2RequestOutput = z.object({
  name: z.string().min(1),
  parameters: z.record(z.string(), z.unknown()).optional(),
});

export const V2InferenceRequest = z
  .object({
    id: z.string().max(256).optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    inputs: z.array(V2RequestInput).min(1).max(16),
    outputs: z.array(V2RequestOutput).max(16).optional(),
  })
  .meta({ id: 'V2InferenceRequest' });
export type V2InferenceRequest = z.infer<typeof V2InferenceRequest>;

/** One output tensor: its values in `data`, or, when asked for as binary, `parameters.binary_data_size` bytes after the JSON. */
export const V2ResponseOutput = z.object({
  name: z.string(),
  shape: z.array(z.number().int()),
  datatype: V2Datatype,
  parameters: z.record(z.string(), z.unknown()).optional(),
  data: z.array(z.union([z.number(), z.string(), z.boolean()])).optional(),
});
export type V2ResponseOutput = z.infer<typeof V2ResponseOutput>;

export const V2InferenceResponse = z
  .object({
    model_name: z.string(),
    model_version: z.string().optional(),
    id: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    outputs: z.array(V2ResponseOutput),
  })
  .meta({ id: 'V2InferenceResponse' });
export type V2InferenceResponse = z.infer<typeof V2InferenceResponse>;

/** The v2 protocol's own error body: `{ "error": "..." }`. */
export const V2Error = z.object({ error: z.string() }).meta({ id: 'V2Error' });

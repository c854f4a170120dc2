import { AppError } from '@ai/http-server';

/**
 * The framing of KServe v2's binary tensor data extension, as Triton implements it: a body is a JSON inference
 * request (or response) of `Inference-Header-Content-Length` bytes, followed by the raw little-endian bytes of
 * every tensor whose JSON says `parameters.binary_data_size`, in the order they appear in the JSON.
 */
export const INFERENCE_HEADER_CONTENT_LENGTH = 'inference-header-content-length';

/** The JSON header and the binary section of a request body whose JSON part is `headerLength` bytes. */
export function splitBinaryBody(body: unknown, headerLength: string): { header: unknown; binary: Buffer } {
  if (!Buffer.isBuffer(body)) throw AppError.badRequest('body: a request with Inference-Header-Content-Length needs a body', 'body');
  if (!/^\d+$/.test(headerLength))
    throw AppError.badRequest(`Inference-Header-Content-Length: must be a byte count, got "${headerLength}"`, 'Inference-Header-Content-Length');
  const length = Number(headerLength);
  if (length > body.length) {
    throw AppError.badRequest(
      `Inference-Header-Content-Length: ${length} bytes of inference header, but the body has only ${body.length}`,
      'Inference-Header-Content-Length',
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(body.toString('utf8', 0, length));
  } catch {
    throw AppError.badRequest(`body: the first ${length} bytes (Inference-Header-Content-Length) are not a JSON inference request`, 'body');
  }
  return { header, binary: body.subarray(length) };
}

/** A JSON header followed by binary parts, with the length of the JSON part for `Inference-Header-Content-Length`. */
export function joinBinaryBody(header: unknown, parts: readonly Uint8Array[]): { body: Buffer; headerLength: number } {
  const json = Buffer.from(JSON.stringify(header));
  return { body: Buffer.concat([json, ...parts]), headerLength: json.length };
}

/** One input tensor for {@link encodeBinaryInferRequest}. */
export interface BinaryInput {
  name: string;
  datatype: string;
  shape: number[];
  data: ArrayBufferView;
}

/**
 * A v2 inference request body with every input as binary tensor data (what a client holding tensors sends, as
 * tritonclient does): for clients, tests and the bench. `binaryOutputs` asks for every output as binary data.
 */
export function encodeBinaryInferRequest(
  inputs: BinaryInput[],
  options: { binaryOutputs?: boolean; id?: string } = {},
): { body: Buffer; headerLength: number } {
  const header = {
    ...(options.id !== undefined && { id: options.id }),
    ...(options.binaryOutputs && { parameters: { binary_data_output: true } }),
    inputs: inputs.map(({ name, datatype, shape, data }) => ({ name, datatype, shape, parameters: { binary_data_size: data.byteLength } })),
  };
  return joinBinaryBody(
    header,
    inputs.map(({ data }) => new Uint8Array(data.buffer, data.byteOffset, data.byteLength)),
  );
}

/** A response body as {@link joinBinaryBody} framed it: the JSON and each binary output's bytes, by name. */
export function decodeBinaryInferResponse(
  body: Buffer,
  headerLength: number,
): { header: { outputs: { name: string; parameters?: Record<string, unknown> }[] } & Record<string, unknown>; binary: Map<string, Buffer> } {
  const header = JSON.parse(body.toString('utf8', 0, headerLength));
  const binary = new Map<string, Buffer>();
  let offset = headerLength;
  for (const output of header.outputs ?? []) {
    const size = output.parameters?.binary_data_size;
    if (typeof size !== 'number') continue;
    binary.set(output.name, body.subarray(offset, offset + size));
    offset += size;
  }
  return { header, binary };
}

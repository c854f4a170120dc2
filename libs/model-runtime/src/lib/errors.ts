// The errors the model runtime raises; the inference service maps each to its HTTP answer.

/**
 * The caller sent something the model cannot use (bytes that are not an image, too many pixels, a wrong
 * tensor shape). Retrying the same input can never succeed, so servers answer 4xx and dispatchers must not
 * retry. `field` names the offending part of the request.
 */
export class BadInputError extends Error {
  constructor(
    message: string,
    readonly field: string,
    readonly code = 'invalid_input',
    /** 400 for malformed input, 413 for input over a size limit. */
    readonly status: 400 | 413 = 400,
  ) {
    super(message);
    this.name = 'BadInputError';
  }
}

/** The first line of an error's message: native libraries (onnxruntime, libvips) append multi-line details. */
export function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0];
}

/**
 * The model repository does not hold what was asked for, or holds it in a broken form. The message always names
 * the path that was looked at, since the usual fix is a typo in MODEL_NAME, MODEL_VERSION or MODEL_PATH.
 */
export class ModelRepositoryError extends Error {
  constructor(
    message: string,
    readonly path: string,
    readonly reason: 'not_found' | 'invalid_config' = 'not_found',
  ) {
    super(message);
    this.name = 'ModelRepositoryError';
  }
}

/** A forced execution provider cannot be used, or the model file does not load: start-up must stop. */
export class SessionLoadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SessionLoadError';
  }
}

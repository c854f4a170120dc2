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

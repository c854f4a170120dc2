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

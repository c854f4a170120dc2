/** A forced execution provider cannot be used, or the model file does not load: start-up must stop. */
export class SessionLoadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SessionLoadError';
  }
}

/** The part of a run's setup that was refused: the workload, the model, or the images or prompts to send. */
export type RunSetupField = 'workload' | 'model' | 'images' | 'prompts';

/**
 * A run that cannot start as asked: a workload that does not parse or is too long, a model whose task the load tester
 * cannot drive, a pool of images or prompts that cannot be read. The CLI shows it as a usage error; the server answers
 * 400 naming `field` (503 for the pools, which come from its own settings).
 */
export class RunSetupError extends Error {
  constructor(
    message: string,
    readonly field: RunSetupField,
    /** Where in the workload, for a parse error. */
    readonly details?: { line: number; column: number },
  ) {
    super(message);
    this.name = 'RunSetupError';
  }
}

import type { ExitCode } from './exit-codes';

/** An error the CLI reports as one line on stderr, leaving with its exit status. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

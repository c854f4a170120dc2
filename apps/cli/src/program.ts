import { Command, CommanderError } from 'commander';
import { CliError } from './cli-error';
import type { CliIo } from './cli-io';
import { generateCommand } from './commands/generate-command';
import { inferCommand } from './commands/infer-command';
import { modelsCommand } from './commands/models-command';
import { queueCommands } from './commands/queue-commands';
import { validateWorkloadCommand } from './commands/validate-workload-command';
import { EXIT, EXIT_CODES_HELP, type ExitCode } from './exit-codes';

export interface CliStreams {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** The command tree; `--json` is global, so every command reads it when it prints. */
export function buildProgram(streams: CliStreams): Command {
  const program = new Command('autoscaled-inference')
    .description('Query the model repository, the inference service and the dispatcher from the terminal.')
    .option('--json', 'print one JSON document instead of text')
    .addHelpText('after', EXIT_CODES_HELP)
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (text) => streams.stdout.write(text), writeErr: (text) => streams.stderr.write(text) });
  const io = (): CliIo => ({ ...streams, json: Boolean(program.opts().json) });
  modelsCommand(program, io);
  inferCommand(program, io);
  generateCommand(program, io);
  queueCommands(program, io);
  validateWorkloadCommand(program, io);
  // Subcommands inherit the error handling and output of the program.
  for (const command of program.commands) command.exitOverride().configureOutput(program.configureOutput());
  return program;
}

/** Runs one command line and returns the exit status; every failure is one line on stderr. */
export async function runCli(argv: string[], streams: CliStreams): Promise<ExitCode> {
  const program = buildProgram(streams);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its own message (or the help) already.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof CliError) {
      streams.stderr.write(`error: ${error.message}\n`);
      return error.exitCode;
    }
    streams.stderr.write(`unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    return EXIT.failed;
  }
}

/** Where a command writes, and whether it writes JSON for machines or text for people. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** `--json`: one JSON document on stdout instead of text. */
  json: boolean;
}

/** Prints `data` as JSON under --json, otherwise the text `human()` renders from it. */
export function report<T>(io: CliIo, data: T, human: (data: T) => string): void {
  io.stdout.write(io.json ? `${JSON.stringify(data, null, 2)}\n` : `${human(data)}\n`);
}

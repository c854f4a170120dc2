import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseWorkload, totalRequests, WorkloadParseError } from '@ai/workload';
import { CliError } from '../cli-error';
import { report, type CliIo } from '../cli-io';
import { EXIT } from '../exit-codes';

/** `validate-workload FILE`: parses a workload as the load tester does and tells its length, requests and peak. */
export function validateWorkloadCommand(program: Command, io: () => CliIo): void {
  program
    .command('validate-workload')
    .description('check a workload file (requests per second, one value per second) the way the load tester reads it')
    .argument('<file>', 'workload file')
    .action((file: string) => {
      if (!existsSync(file)) throw new CliError(`${file}: no such file`, EXIT.usage);
      let rates: number[];
      try {
        rates = parseWorkload(readFileSync(file, 'utf8'), file);
      } catch (error) {
        if (error instanceof WorkloadParseError) {
          const out = io();
          if (out.json) report(out, { file, valid: false, line: error.line, column: error.column, error: error.detail }, () => '');
          throw new CliError(error.message, EXIT.failed);
        }
        throw error;
      }
      const summary = { file, valid: true, seconds: rates.length, requests: totalRequests(rates), peakPerSecond: Math.max(0, ...rates) };
      report(io(), summary, (s) => `${s.file}: valid, ${s.seconds} s, ${s.requests} requests, peak ${s.peakPerSecond}/s`);
    });
}

import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { RequestRecord } from '@ai/workload';

const COLUMNS: Array<keyof RequestRecord> = [
  'seq',
  'second',
  'intendedMs',
  'sentMs',
  'latenessMs',
  'outcome',
  'reason',
  'status',
  'jobId',
  'acceptMs',
  'queueWaitMs',
  'inferenceMs',
  'e2eMs',
  'tokens',
];

function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(3);
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Streams per-request records to requests.csv as they settle, so memory stays flat however long the run:
 * rows are written through a file stream, and the writer pauses on nothing — Node buffers briefly when the
 * disk is slower, and `close()` waits for everything to be flushed.
 */
export class RequestCsvWriter {
  private readonly stream: WriteStream;
  private rowCount = 0;

  constructor(readonly path: string) {
    this.stream = createWriteStream(path, { encoding: 'utf8' });
    this.stream.write(COLUMNS.join(',') + '\n');
  }

  write(record: RequestRecord): void {
    this.rowCount += 1;
    this.stream.write(COLUMNS.map((column) => cell(record[column])).join(',') + '\n');
  }

  get rows(): number {
    return this.rowCount;
  }

  async close(): Promise<void> {
    if (this.stream.closed) return;
    this.stream.end();
    await once(this.stream, 'close');
  }
}

export const REQUEST_CSV_COLUMNS = COLUMNS;

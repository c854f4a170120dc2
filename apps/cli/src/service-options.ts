import { Option } from 'commander';

export const DEFAULT_DISPATCHER = 'http://127.0.0.1:3000';
export const DEFAULT_INFERENCE = 'http://127.0.0.1:8080';

/** `--dispatcher URL` (or DISPATCHER_URL): where queued work goes. */
export function dispatcherOption(): Option {
  return new Option('--dispatcher <url>', 'dispatcher URL').env('DISPATCHER_URL').default(DEFAULT_DISPATCHER);
}

/** The URL without a trailing slash, so paths can be appended. */
export function baseUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

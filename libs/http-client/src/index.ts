// The public API: what other projects use. Everything else stays inside.
export { type HttpAnswer, HttpClient, HttpTimeout } from './lib/http-client';
export { REQUEST_ID_PATTERN, toRequestId } from './lib/request-id';
export { isRetryableStatus } from './lib/retry-rule';

export { HttpClient, HttpTimeout, type HttpAnswer, type HttpClientOptions, type HttpRequestOptions } from './lib/http-client';
export { REQUEST_ID_PATTERN, toRequestId } from './lib/request-id';

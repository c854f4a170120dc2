/**
 * Whether an HTTP answer that was not a success may turn out differently when the same request is sent again:
 * the server failed or is overloaded (5xx), the exchange timed out (408), came too early (425) or was throttled
 * (429). Every other answer (a 3xx, which is never followed; any other 4xx) says the request itself is at fault.
 * A request that got no answer at all (refused, reset, timed out) is always worth another try.
 * The one rule for every retry in the platform: inference calls, callbacks and the CLI's exit status.
 */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 425 || status === 429;
}

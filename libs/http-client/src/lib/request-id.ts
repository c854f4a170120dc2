/** What an X-Request-Id may look like; anything else is replaced (servers) or cleaned (clients). */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** `id` as a valid X-Request-Id: characters outside the pattern dropped, at most 128 kept. */
export function toRequestId(id: string): string {
  return id.replace(/[^A-Za-z0-9._:-]/g, '').slice(0, 128);
}

// Times as an officer reads them: Beijing time (UTC+8, no daylight saving), minutes.

/** `2026-12-04T02:05:09Z` → `2026-12-04 10:05`; the text itself when it is no time. */
export function beijing(rfc3339: string): string {
  const ms = Date.parse(rfc3339)
  if (Number.isNaN(ms)) return rfc3339
  return new Date(ms + 8 * 3600 * 1000).toISOString().slice(0, 16).replace('T', ' ')
}

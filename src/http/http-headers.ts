// Response headers as the HTTP layer sees them: lower-case names, one string per name, so that every consumer
// (policy, backoff, quota) reads them the same way whatever the transport produced.

export type HttpHeaders = Readonly<Record<string, string>>;

/** The value of a header, or undefined when absent or blank. Names are matched case-insensitively. */
export function headerValue(headers: HttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

/** Normalises any header bag (arrays joined with ", ", non-strings stringified, names lower-cased). */
export function normalizeHeaders(raw: Readonly<Record<string, unknown>>): HttpHeaders {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined || value === null) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.map(String).join(", ") : String(value);
  }
  return out;
}

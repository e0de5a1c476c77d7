// Secrets never reach errors, logs or reports (DESIGN.md §4 invariant 7). Messages are built without them; this is
// the belt over those braces for text that comes from the instance (an error body could echo what we sent).

export const REDACTED = "[REDACTED]";

/** Replaces every occurrence of each secret (ignoring ones shorter than 4 characters, which would shred text). */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  return out;
}

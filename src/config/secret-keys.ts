// Keys whose values are secrets wherever they appear in the configuration: redacted by `config print --redacted`,
// warned about when written literally in the file (DESIGN.md §4 invariant 7).
const SECRET_KEYS = new Set(["password", "clientsecret", "secret", "token", "apikey"]);

export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(key.toLowerCase());
}

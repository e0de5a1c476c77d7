// A deep copy of the configuration fit to print (`empreinte config print --redacted`): every value under a secret
// key, and any occurrence of a secret value elsewhere, replaced by "[REDACTED]".
import { collectSecrets } from "./collect-secrets.js";
import { isRecord, type PlainRecord, setOwn } from "./plain-record.js";
import { isSecretKey } from "./secret-keys.js";

export const REDACTED = "[REDACTED]";

function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join(REDACTED);
  return out;
}

function copy(node: unknown, secrets: readonly string[]): unknown {
  if (typeof node === "string") return redactText(node, secrets);
  if (Array.isArray(node)) return node.map((item) => copy(item, secrets));
  if (!isRecord(node)) return node;
  const out: PlainRecord = {};
  for (const [key, value] of Object.entries(node)) {
    setOwn(out, key, isSecretKey(key) && value !== undefined && value !== null ? REDACTED : copy(value, secrets));
  }
  return out;
}

/** `extraSecrets`: values to hide besides those the config holds under secret keys (e.g. from collectSecrets(env)). */
export function redactConfig<T>(config: T, extraSecrets: readonly string[] = []): T {
  // Longest first, so a secret that contains another is replaced whole.
  const secrets = [...new Set([...collectSecrets(config), ...extraSecrets])]
    .filter((s) => s !== "")
    .sort((a, b) => b.length - a.length);
  return copy(config, secrets) as T;
}

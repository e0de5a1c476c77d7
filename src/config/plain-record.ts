// Helpers for the untyped layers (parsed YAML, env, flags) handled before validation.

export type PlainRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is PlainRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Sets an own property even for a key such as "__proto__" from a YAML file, which plain assignment would turn
 *  into a prototype change; the schema then reports it as an unknown key. */
export function setOwn(target: PlainRecord, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

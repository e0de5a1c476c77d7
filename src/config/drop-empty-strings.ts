// `""` means "not given" (DESIGN.md §2): `password: ${SN_PASSWORD:-}` with the variable unset, or an empty flag,
// must fall back to the next layer or the default, and a required field must be reported missing, not "too short".
import { type PlainRecord, setOwn } from "./plain-record.js";

/** A copy without the object entries whose value is "" (array items stay, so their positions keep meaning). */
export function dropEmptyStrings(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(dropEmptyStrings);
  if (typeof node !== "object" || node === null) return node;
  const out: PlainRecord = {};
  for (const [key, value] of Object.entries(node)) {
    if (value === "" || value === undefined) continue;
    setOwn(out, key, dropEmptyStrings(value));
  }
  return out;
}

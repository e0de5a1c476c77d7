// Deep merge of configuration layers, later layers winning (defaults < file < env < flags, DESIGN.md §2). Maps
// merge key by key; arrays and scalars replace, so `steps: [pull]` in a flag means exactly that.
import { isRecord, type PlainRecord, setOwn } from "./plain-record.js";

function mergeTwo(base: unknown, top: unknown): unknown {
  if (top === undefined) return base;
  if (!isRecord(base) || !isRecord(top)) return top;
  const out: PlainRecord = {};
  for (const [key, value] of Object.entries(base)) setOwn(out, key, value);
  for (const [key, value] of Object.entries(top)) {
    setOwn(out, key, mergeTwo(Object.hasOwn(base, key) ? base[key] : undefined, value));
  }
  return out;
}

export function mergeLayers(...layers: unknown[]): PlainRecord {
  const merged = layers.reduce<unknown>((acc, layer) => mergeTwo(acc, layer), {});
  return isRecord(merged) ? merged : {};
}

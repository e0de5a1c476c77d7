// Record sys_ids of the seeded data: 32 lowercase hex like a real GUID (servicenow-api.md §1.6), a pure function
// of (seed, tag, index, subIndex), and never the same for two different keys (stream-key.ts).
import { type StreamTagValue, streamKey } from "./stream-key.js";

const HEX_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function wordHex(word: number): string {
  return (
    (HEX_BYTE[word >>> 24] ?? "") +
    (HEX_BYTE[(word >>> 16) & 0xff] ?? "") +
    (HEX_BYTE[(word >>> 8) & 0xff] ?? "") +
    (HEX_BYTE[word & 0xff] ?? "")
  );
}

export function deterministicSysId(seed: number, tag: StreamTagValue, index: number, subIndex = 0): string {
  const w = streamKey(seed, tag, index, subIndex);
  return wordHex(w[0] ?? 0) + wordHex(w[1] ?? 0) + wordHex(w[2] ?? 0) + wordHex(w[3] ?? 0);
}

// Every random draw of the generator comes from a stream named by (seed, tag, index, sub-index), so that one
// record's values depend only on its own key — never on how many records come before or after it.
import { mix128 } from "./mix128.js";

/** One stream (or one sys_id) per tag: values fit in 8 bits (they go in the top byte of a key word). */
export const StreamTag = {
  userId: 1,
  user: 2,
  groupId: 3,
  group: 4,
  serviceId: 5,
  serviceProfile: 6,
  serviceDetails: 7,
  serviceHosting: 8,
  usageId: 9,
  usage: 10,
  usageBurst: 11,
  hostPool: 12,
  cataloguePermutation: 13,
} as const;

export type StreamTagValue = (typeof StreamTag)[keyof typeof StreamTag];

const TWO_POW_32 = 2 ** 32;

/**
 * One buffer reused by every call: allocating a typed array per record (millions of them) costs more than the
 * rest of the generation. Callers read the four words immediately; nothing here is asynchronous.
 */
const SCRATCH = new Uint32Array(4);

/**
 * The 128-bit key of a stream, mixed, in a shared buffer valid until the next call. Distinct (seed, tag, index, subIndex) give distinct results because the
 * packing is injective for safe-integer seeds (low 32 bits, then 22 bits of the high part, sign included, then the
 * tag in the top byte) and mix128 is a bijection.
 */
export function streamKey(seed: number, tag: StreamTagValue, index: number, subIndex: number): Uint32Array {
  const words = SCRATCH;
  words[0] = seed >>> 0;
  words[1] = ((Math.floor(seed / TWO_POW_32) & 0x3fffff) | (tag << 24)) >>> 0;
  words[2] = index >>> 0;
  words[3] = subIndex >>> 0;
  mix128(words);
  return words;
}

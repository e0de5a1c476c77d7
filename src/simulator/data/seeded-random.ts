// The generator's only source of randomness (no Math.random): sfc32, "Small Fast Chaotic" PRNG by Chris
// Doty-Humphrey (PractRand, public domain), in the JavaScript form popularised by bryc's "PRNGs" notes.
// It passes PractRand to 2^40+ bytes, needs 4 words of state and only 32-bit integer arithmetic.
// Each stream is seeded from streamKey(), so draws for one record never depend on other records.
import { type StreamTagValue, streamKey } from "./stream-key.js";

const TWO_POW_32 = 2 ** 32;

export class SeededRandom {
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  #spareNormal: number | undefined = undefined;

  private constructor(a: number, b: number, c: number, d: number) {
    this.#a = a | 0;
    this.#b = b | 0;
    this.#c = c | 0;
    this.#d = d | 0;
    // The key is already well mixed; a short warm-up decorrelates the first outputs from the raw state.
    for (let i = 0; i < 4; i++) this.nextUint32();
  }

  static forStream(seed: number, tag: StreamTagValue, index: number, subIndex = 0): SeededRandom {
    const k = streamKey(seed, tag, index, subIndex);
    return new SeededRandom(k[0] ?? 0, k[1] ?? 0, k[2] ?? 0, k[3] ?? 0);
  }

  nextUint32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * this.float();
  }

  /** Uniform integer in [min, max] (both included). */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.float() * items.length)];
    if (item === undefined) throw new RangeError("pick() from an empty list");
    return item;
  }

  /** Picks by weight; `weights` are relative, not necessarily summing to 1. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let x = this.float() * total;
    for (const [item, w] of items) {
      x -= w;
      if (x < 0) return item;
    }
    const last = items[items.length - 1];
    if (last === undefined) throw new RangeError("weighted() from an empty list");
    return last[0];
  }

  /** Standard normal (Box-Muller: each pair of uniforms gives two values; the second is kept for the next call). */
  normal(): number {
    if (this.#spareNormal !== undefined) {
      const spare = this.#spareNormal;
      this.#spareNormal = undefined;
      return spare;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - this.float())); // 1 - float() is in (0, 1]: log(0) is impossible
    const angle = 2 * Math.PI * this.float();
    this.#spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /** Log-normal with the given median and sigma of the underlying normal. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }
}

// Shared by the estimation tests: the shipped factor set (read through the real loader) and a seeded generator.
import { loadFactorSet } from "../../src/cli/commands/estimate-input.js";
import type { FactorSet } from "../../src/estimation/factor-set.js";

export const FR_2024: FactorSet = loadFactorSet();

/** mulberry32: small, fast, and the same sequence on every machine for a given seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** |actual − expected| ≤ tol × |expected| (and exact for 0). */
export function relErr(actual: number, expected: number): number {
  if (expected === 0) return Math.abs(actual);
  return Math.abs(actual - expected) / Math.abs(expected);
}

import { describe, expect, it } from "vitest";
import { CataloguePermutation, COMBINATION_COUNT } from "../../src/simulator/data/catalogue-permutation.js";

const key = (c: ReturnType<CataloguePermutation["combination"]>): string =>
  [c.kind.label, c.channel, c.communeIndex ?? "", c.variant].join("|");

describe("CataloguePermutation", () => {
  it("visits every combination exactly once per cycle", () => {
    const permutation = new CataloguePermutation(42);
    const first = new Set<string>();
    for (let i = 0; i < COMBINATION_COUNT; i++) first.add(key(permutation.combination(i)));
    expect(first.size).toBe(COMBINATION_COUNT);
    const second = new Set<string>();
    for (let i = COMBINATION_COUNT; i < 2 * COMBINATION_COUNT; i++) {
      const c = permutation.combination(i);
      expect(c.cycle).toBe(1);
      second.add(key(c));
    }
    expect(second).toEqual(first);
  });

  it("orders combinations differently per seed and per cycle, identically for the same seed", () => {
    const a = new CataloguePermutation(1);
    const b = new CataloguePermutation(2);
    const order = (p: CataloguePermutation, from: number) =>
      Array.from({ length: 50 }, (_, i) => key(p.combination(from + i)));
    expect(order(a, 0)).not.toEqual(order(b, 0));
    expect(order(a, 0)).not.toEqual(order(a, COMBINATION_COUNT));
    expect(order(new CataloguePermutation(1), 0)).toEqual(order(a, 0));
  });

  it("has enough combinations for the reference catalogue", () => {
    expect(COMBINATION_COUNT).toBeGreaterThan(1600);
  });
});

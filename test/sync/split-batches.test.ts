import { describe, expect, it } from "vitest";
import { splitBatches } from "../../src/sync/split-batches.js";

const ids = (n: number) => Array.from({ length: n }, (_, i) => i);
const sizes = (batches: number[][]) => batches.map((b) => b.length);

describe("splitBatches", () => {
  it("spreads 1,528 writes over 32 batches of 47-48 (not 31 of 50) so the 4 lanes finish together", () => {
    const batches = splitBatches(ids(1528), 50, 4);
    expect(batches).toHaveLength(32);
    expect(new Set(sizes(batches))).toEqual(new Set([47, 48]));
    // Every write once, in order: the outbox's order is kept.
    expect(batches.flat()).toEqual(ids(1528));
  });

  it("keeps the fewest batches when they already fill the lanes evenly", () => {
    expect(sizes(splitBatches(ids(2000), 50, 4))).toEqual(Array(40).fill(50));
  });

  it("keeps the fewest batches when balancing would cost more than one request in twenty", () => {
    expect(sizes(splitBatches(ids(16), 50, 4))).toEqual([16]);
    expect(sizes(splitBatches(ids(120), 50, 4))).toEqual([40, 40, 40]);
    // 5 batches made 8 would be 60 % more requests; 19 made 20, 5.3 %.
    expect(splitBatches(ids(201), 50, 4)).toHaveLength(5);
    expect(splitBatches(ids(947), 50, 4)).toHaveLength(19);
    // 41 made 44 is 7 %; 61 made 64 is 4.9 %.
    expect(splitBatches(ids(2001), 50, 4)).toHaveLength(41);
    expect(splitBatches(ids(3001), 50, 4)).toHaveLength(64);
  });

  it("never exceeds the batch size and never makes an empty batch", () => {
    for (const [n, size, lanes] of [
      [5, 1, 4],
      [9, 2, 4],
      [201, 50, 4],
      [1, 50, 4],
      [77, 10, 1],
    ] as const) {
      const batches = splitBatches(ids(n), size, lanes);
      expect(batches.flat(), `${n}/${size}/${lanes}`).toEqual(ids(n));
      expect(Math.max(...sizes(batches)), `${n}/${size}/${lanes}`).toBeLessThanOrEqual(size);
      expect(Math.min(...sizes(batches)), `${n}/${size}/${lanes}`).toBeGreaterThan(0);
    }
    expect(splitBatches([], 50, 4)).toEqual([]);
    // One lane: the fewest batches.
    expect(splitBatches(ids(77), 10, 1)).toHaveLength(8);
  });
});

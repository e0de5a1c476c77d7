import { describe, expect, it } from "vitest";
import { deterministicSysId } from "../../src/simulator/data/deterministic-sys-id.js";
import { mix128 } from "../../src/simulator/data/mix128.js";
import { SeededRandom } from "../../src/simulator/data/seeded-random.js";
import { StreamTag, streamKey } from "../../src/simulator/data/stream-key.js";

describe("SeededRandom (sfc32)", () => {
  it("is sfc32 seeded with the mixed stream key", () => {
    // bryc's reference JavaScript sfc32 ("PRNGs", public domain), started from the same state and warm-up.
    function reference(a: number, b: number, c: number, d: number): () => number {
      return () => {
        const t = (((a + b) | 0) + d) | 0;
        d = (d + 1) | 0;
        a = b ^ (b >>> 9);
        b = (c + (c << 3)) | 0;
        c = (c << 21) | (c >>> 11);
        c = (c + t) | 0;
        return t >>> 0;
      };
    }
    const [a = 0, b = 0, c = 0, d = 0] = [...streamKey(7, StreamTag.usage, 3, 4)];
    const ref = reference(a | 0, b | 0, c | 0, d | 0);
    for (let i = 0; i < 4; i++) ref();
    const expected = Array.from({ length: 8 }, () => ref());
    const rng = SeededRandom.forStream(7, StreamTag.usage, 3, 4);
    expect(Array.from({ length: 8 }, () => rng.nextUint32())).toEqual(expected);
    const again = SeededRandom.forStream(7, StreamTag.usage, 3, 4);
    expect(Array.from({ length: 8 }, () => again.nextUint32())).toEqual(expected);
  });

  it("gives independent streams per key", () => {
    const first = (seed: number, tag: (typeof StreamTag)[keyof typeof StreamTag], i: number, j = 0) =>
      SeededRandom.forStream(seed, tag, i, j).nextUint32();
    const values = new Set<number>();
    for (let i = 0; i < 1000; i++) values.add(first(1, StreamTag.serviceProfile, i));
    expect(values.size).toBeGreaterThan(995);
    expect(first(1, StreamTag.serviceProfile, 5)).not.toBe(first(2, StreamTag.serviceProfile, 5));
    expect(first(1, StreamTag.serviceProfile, 5)).not.toBe(first(1, StreamTag.serviceDetails, 5));
    expect(first(1, StreamTag.usage, 5, 1)).not.toBe(first(1, StreamTag.usage, 5, 2));
    expect(first(2 ** 40, StreamTag.usage, 0)).not.toBe(first(0, StreamTag.usage, 0));
    expect(first(-1, StreamTag.usage, 0)).not.toBe(first(2 ** 32 - 1, StreamTag.usage, 0));
  });

  it("draws uniformly within the requested ranges", () => {
    const rng = SeededRandom.forStream(3, StreamTag.usage, 0);
    const bins = new Array(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 50_000; i++) {
      const x = rng.float();
      if (!(x >= 0 && x < 1)) outside += 1;
      else bins[Math.floor(x * 10)] += 1;
    }
    expect(outside).toBe(0);
    for (const n of bins) expect(Math.abs(n - 5000)).toBeLessThan(300);
    const ints = new Set<number>();
    for (let i = 0; i < 2000; i++) ints.add(rng.int(40, 200));
    expect(Math.min(...ints)).toBe(40);
    expect(Math.max(...ints)).toBe(200);
  });

  it("draws normals with mean 0 and deviation 1, and weighted picks in proportion", () => {
    const rng = SeededRandom.forStream(4, StreamTag.usage, 0);
    const xs = Array.from({ length: 40_000 }, () => rng.normal());
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(sd - 1)).toBeLessThan(0.03);
    let a = 0;
    for (let i = 0; i < 20_000; i++)
      if (
        rng.weighted([
          ["a", 3],
          ["b", 1],
        ] as const) === "a"
      )
        a += 1;
    expect(a / 20_000).toBeCloseTo(0.75, 1);
    expect(() => rng.pick([])).toThrow(RangeError);
  });
});

describe("mix128 and deterministicSysId", () => {
  it("never maps two structured keys to the same value", () => {
    const seen = new Set<string>();
    const w = new Uint32Array(4);
    for (let i = 0; i < 300; i++) {
      for (let j = 0; j < 300; j++) {
        w.set([1, 0, i, j]);
        mix128(w);
        seen.add(`${w[0]}.${w[1]}.${w[2]}.${w[3]}`);
      }
    }
    expect(seen.size).toBe(90_000);
  });

  it("does not keep zero fixed", () => {
    const w = new Uint32Array(4);
    mix128(w);
    expect([...w].some((x) => x !== 0)).toBe(true);
  });

  it("makes 32-hex sys_ids that depend on every part of the key", () => {
    const id = deterministicSysId(42, StreamTag.serviceId, 7);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(deterministicSysId(42, StreamTag.serviceId, 7)).toBe(id);
    expect(deterministicSysId(43, StreamTag.serviceId, 7)).not.toBe(id);
    expect(deterministicSysId(42, StreamTag.usageId, 7)).not.toBe(id);
    expect(deterministicSysId(42, StreamTag.serviceId, 8)).not.toBe(id);
    expect(deterministicSysId(42, StreamTag.serviceId, 7, 1)).not.toBe(id);
  });
});

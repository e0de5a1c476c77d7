// Which (kind, scope, channel) combination service i is, without repeating one and without remembering earlier
// services: a seeded pseudo-random permutation of all combinations (a 4-round Feistel network on the next
// even power of two, with cycle walking to stay inside the range — Black & Rogaway, "Ciphers with Arbitrary
// Finite Domains", 2002). Service i's combination depends only on (seed, i), so names are unique and the first
// services of a large catalogue are those of a small one. Past the number of combinations, a new cycle starts
// with another permutation and the names get a " – lot N" suffix, which keeps them unique.

import { COMMUNES } from "./communes.js";
import { SeededRandom } from "./seeded-random.js";
import {
  type ChannelKey,
  DOMAINS,
  type Domain,
  INTERNAL_VARIANTS,
  METROPOLE_VARIANTS,
  type ServiceKind,
} from "./service-catalogue.js";
import { StreamTag } from "./stream-key.js";

export interface CatalogueCombination {
  domain: Domain;
  kind: ServiceKind;
  channel: ChannelKey;
  /** Index in COMMUNES for a commune-scoped kind, else undefined. */
  communeIndex: number | undefined;
  /** Audience or territorial unit for métropole-wide and internal kinds ("" = none). */
  variant: string;
  /** 0 for the first pass over all combinations, 1 for the second ("lot 2")… */
  cycle: number;
}

interface KindSlot {
  domain: Domain;
  kind: ServiceKind;
  scopeCount: number;
  /** Index of the slot's first combination. */
  start: number;
}

function scopeCount(kind: ServiceKind): number {
  if (kind.scope === "commune") return COMMUNES.length;
  return kind.scope === "internal" ? INTERNAL_VARIANTS.length : METROPOLE_VARIANTS.length;
}

const SLOTS: readonly KindSlot[] = (() => {
  const slots: KindSlot[] = [];
  let start = 0;
  for (const domain of DOMAINS) {
    for (const kind of domain.kinds) {
      const scopes = scopeCount(kind);
      slots.push({ domain, kind, scopeCount: scopes, start });
      start += scopes * kind.channels.length;
    }
  }
  return slots;
})();

/** Number of distinct combinations (before " – lot N" suffixes are needed). */
export const COMBINATION_COUNT = SLOTS.reduce((n, s) => n + s.scopeCount * s.kind.channels.length, 0);

const HALF_BITS = Math.ceil(Math.ceil(Math.log2(COMBINATION_COUNT)) / 2);
const HALF_MASK = (1 << HALF_BITS) - 1;

/** Round function: "lowbias32" integer hash by Chris Wellons (hash-prospector), keyed by xor. */
function roundHash(x: number, key: number): number {
  let h = (x ^ key) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h & HALF_MASK;
}

function feistel(x: number, keys: readonly number[]): number {
  let left = x >>> HALF_BITS;
  let right = x & HALF_MASK;
  for (const key of keys) {
    const next = left ^ roundHash(right, key);
    left = right;
    right = next;
  }
  return (left << HALF_BITS) | right;
}

export class CataloguePermutation {
  readonly #seed: number;
  /** Round keys per cycle; a catalogue of N services uses ceil(N / COMBINATION_COUNT) cycles, a handful. */
  readonly #keysByCycle = new Map<number, number[]>();
  #lastCycle = -1;
  #lastKeys: number[] = [];

  constructor(seed: number) {
    this.#seed = seed;
  }

  /** The combination of the `position`-th generated (non-flagship) service. */
  combination(position: number): CatalogueCombination {
    const cycle = Math.floor(position / COMBINATION_COUNT);
    const keys = this.#keys(cycle);
    let x = position % COMBINATION_COUNT;
    do x = feistel(x, keys);
    while (x >= COMBINATION_COUNT);
    return decode(x, cycle);
  }

  #keys(cycle: number): number[] {
    if (cycle === this.#lastCycle) return this.#lastKeys;
    let keys = this.#keysByCycle.get(cycle);
    if (!keys) {
      const rng = SeededRandom.forStream(this.#seed, StreamTag.cataloguePermutation, cycle);
      keys = [rng.nextUint32(), rng.nextUint32(), rng.nextUint32(), rng.nextUint32()];
      this.#keysByCycle.set(cycle, keys);
    }
    this.#lastCycle = cycle;
    this.#lastKeys = keys;
    return keys;
  }
}

function decode(index: number, cycle: number): CatalogueCombination {
  // Binary search for the slot holding `index`.
  let lo = 0;
  let hi = SLOTS.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((SLOTS[mid]?.start ?? 0) <= index) lo = mid;
    else hi = mid - 1;
  }
  const slot = SLOTS[lo];
  if (!slot) throw new RangeError(`combination ${index} out of range`);
  const local = index - slot.start;
  const channels = slot.kind.channels;
  const channel = channels[local % channels.length] ?? "P";
  const scope = Math.floor(local / channels.length);
  if (slot.kind.scope === "commune") {
    return { domain: slot.domain, kind: slot.kind, channel, communeIndex: scope, variant: "", cycle };
  }
  const variants = slot.kind.scope === "internal" ? INTERNAL_VARIANTS : METROPOLE_VARIANTS;
  return {
    domain: slot.domain,
    kind: slot.kind,
    channel,
    communeIndex: undefined,
    variant: variants[scope] ?? "",
    cycle,
  };
}

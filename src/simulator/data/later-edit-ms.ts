// Timestamps of later edits to a seeded record. Whole seconds only: stored datetimes have second resolution
// (servicenow-api.md §0 fact 4), and a sub-second part would make created/updated comparisons disagree with
// what a client reads.
import type { SeededRandom } from "./seeded-random.js";
import { MS_PER_HOUR, MS_PER_SECOND } from "./time-units.js";

/** `ms` rounded down to a whole second. */
export function secondsMs(ms: number): number {
  return Math.floor(ms / MS_PER_SECOND) * MS_PER_SECOND;
}

/** A later edit: a time strictly between `createdMs` (+1 h) and the anchor (−1 s), or undefined when none fits. */
export function laterEditMs(rng: SeededRandom, createdMs: number, anchorStartMs: number): number | undefined {
  const from = createdMs + MS_PER_HOUR;
  const to = anchorStartMs - MS_PER_SECOND;
  if (to <= from) return undefined;
  return from + Math.floor(rng.float() * ((to - from) / MS_PER_SECOND)) * MS_PER_SECOND;
}

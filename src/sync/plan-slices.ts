// Splitting what remains of a staged first load into keyset slices read side by side (docs/adr/0006). Pure.
//
// A slice is a range of sys_updated_on, [from, endBefore), read with its own keyset cursor: the first slice is the
// read already under way (it goes on from its cursor), the others start at their `from`, and the last one is open
// above (the run's signpost bounds it). Rows that share a boundary's second belong to the slice that starts there,
// so the slices cover the range with no gap and no overlap. Records edited during the read move to the end of the
// range: into the last slice, or to the next run (B5.2), and the staged merge keeps the latest version of each.
import { z } from "zod";
import type { Cursor } from "../domain/cursor.js";
import { isSysId, type KeysetKey } from "../servicenow/encoded-query.js";
import { isGlideDateTime, parseGlideDateTime, toGlideDateTime } from "../servicenow/glide-date-time.js";
import { compareKeys } from "../servicenow/keyset-pages.js";
import { minusSeconds } from "./cursor.js";

export interface SliceState {
  /** Lower bound `sys_updated_on>=`; for the first slice, the lower bound of the read it continues (if any). */
  from?: string;
  /** The slice ends before this sys_updated_on (exclusive); undefined for the last slice. */
  endBefore?: string;
  /** The last key committed in this slice; absent before its first page. */
  cursor?: KeysetKey;
  /** Read to its end. */
  done: boolean;
}

export interface SlicePlan {
  slices: SliceState[];
}

/**
 * Pages a read makes on its own before it is sliced. Slicing into n costs at most 2n-1 requests more than one
 * keyset read (the probe, then for each extra slice one page shared with the next slice and one partial page), so
 * a read that already made 20 × (2n-1) requests stays within 5 % of the minimum, ceil(rows/page)+1, however large
 * the table. Smaller tables are never sliced: their requests stay exactly the minimum.
 */
export function sliceAfterPages(slices: number): number {
  return 20 * (2 * slices - 1);
}

/**
 * Splits the rest of a read, from the key it has committed (`position`) to the latest sys_updated_on on the instance
 * (`last`), into up to `slices` ranges of equal time. Boundaries are whole seconds strictly after the position (the
 * first slice, which goes on from it, is never empty of its own rows) and at most `last`. Undefined when the range
 * is too short to split.
 */
export function planSlices(input: {
  position: KeysetKey;
  last: string;
  slices: number;
  /** The lower bound of the read under way, kept as the first slice's. */
  from?: string;
}): SlicePlan | undefined {
  const t0 = parseGlideDateTime(input.position.updatedOn);
  const t1 = parseGlideDateTime(input.last);
  if (t0 === undefined || t1 === undefined || t1 <= t0 || input.slices < 2) return undefined;
  const boundaries: string[] = [];
  for (let i = 1; i < input.slices; i++) {
    const ms = Math.floor((t0 + ((t1 - t0) * i) / input.slices) / 1000) * 1000;
    const at = toGlideDateTime(ms);
    if (ms > t0 && ms <= t1 && at !== boundaries.at(-1)) boundaries.push(at);
  }
  if (boundaries.length === 0) return undefined;
  const slices: SliceState[] = [
    {
      ...(input.from !== undefined ? { from: input.from } : {}),
      endBefore: boundaries[0] as string,
      cursor: { updatedOn: input.position.updatedOn, sysId: input.position.sysId },
      done: false,
    },
  ];
  boundaries.forEach((from, i) => {
    const endBefore = boundaries[i + 1];
    slices.push({ from, ...(endBefore !== undefined ? { endBefore } : {}), done: false });
  });
  return { slices };
}

/**
 * Where a slice's read starts again: its cursor minus the lookback window (records committed late on the instance,
 * B5.2, as for any resumed read), never below the slice's own lower bound; the staged merge keeps one of each row
 * read twice.
 */
export function resumeBound(slice: SliceState, lookbackS: number): string | undefined {
  if (slice.cursor === undefined) return slice.from;
  const back = minusSeconds(slice.cursor.updatedOn, lookbackS);
  return slice.from !== undefined && slice.from > back ? slice.from : back;
}

/** The plan with slice `index` moved to `key` (never backwards) and/or marked done. */
export function advanceSlice(plan: SlicePlan, index: number, change: { key?: KeysetKey; done?: boolean }): SlicePlan {
  return {
    slices: plan.slices.map((slice, i) => {
      if (i !== index) return slice;
      const { key } = change;
      const cursor =
        key !== undefined && (slice.cursor === undefined || compareKeys(key, slice.cursor) > 0)
          ? { updatedOn: key.updatedOn, sysId: key.sysId }
          : slice.cursor;
      return { ...slice, ...(cursor !== undefined ? { cursor } : {}), done: change.done ?? slice.done };
    }),
  };
}

/** The stream's cursor once every slice is done: the furthest key committed in any slice. */
export function finalCursor(plan: SlicePlan, stream: Cursor["stream"]): Cursor | undefined {
  let best: KeysetKey | undefined;
  for (const { cursor } of plan.slices) {
    if (cursor !== undefined && (best === undefined || compareKeys(cursor, best) > 0)) best = cursor;
  }
  return best === undefined ? undefined : { stream, updatedOn: best.updatedOn, sysId: best.sysId };
}

const GlideDateTime = z.string().refine(isGlideDateTime);
const StoredPlan = z.object({
  slices: z
    .array(
      z.object({
        from: GlideDateTime.optional(),
        endBefore: GlideDateTime.optional(),
        cursor: z.object({ updatedOn: GlideDateTime, sysId: z.string().refine(isSysId) }).optional(),
        done: z.boolean(),
      }),
    )
    .min(2),
});

export function serializeSlicePlan(plan: SlicePlan): string {
  return JSON.stringify(plan);
}

/** The stored plan, or undefined when there is none or it cannot be read (the caller then reads everything again). */
export function parseSlicePlan(text: string | undefined): SlicePlan | undefined {
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = StoredPlan.safeParse(json);
  if (!parsed.success) return undefined;
  const slices: SliceState[] = parsed.data.slices.map((s) => ({
    ...(s.from !== undefined ? { from: s.from } : {}),
    ...(s.endBefore !== undefined ? { endBefore: s.endBefore } : {}),
    ...(s.cursor !== undefined ? { cursor: { updatedOn: s.cursor.updatedOn, sysId: s.cursor.sysId } } : {}),
    done: s.done,
  }));
  return { slices };
}

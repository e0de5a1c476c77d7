// Splitting the rest of a staged first load into slices (src/sync/plan-slices.ts): boundaries, positions, resume,
// and the plan as stored between runs.
import { describe, expect, it } from "vitest";
import {
  advanceSlice,
  finalCursor,
  parseSlicePlan,
  planSlices,
  resumeBound,
  serializeSlicePlan,
  sliceAfterPages,
} from "../../src/sync/plan-slices.js";

const id = (n: number) => n.toString(16).padStart(32, "0");
const position = { updatedOn: "2026-01-01 00:00:00", sysId: id(7) };

describe("planSlices", () => {
  it("splits the time from the read's position to the last record into equal whole-second ranges", () => {
    const plan = planSlices({ position, last: "2026-01-05 00:00:00", slices: 4 });
    expect(plan?.slices).toEqual([
      { endBefore: "2026-01-02 00:00:00", cursor: position, done: false },
      { from: "2026-01-02 00:00:00", endBefore: "2026-01-03 00:00:00", done: false },
      { from: "2026-01-03 00:00:00", endBefore: "2026-01-04 00:00:00", done: false },
      { from: "2026-01-04 00:00:00", done: false },
    ]);
  });

  it("chains the ranges: each slice ends where the next starts, the last is open above", () => {
    const plan = planSlices({ position, last: "2026-03-17 08:13:29", slices: 4, from: "2025-12-31 23:55:00" });
    const slices = plan?.slices ?? [];
    expect(slices[0]?.from).toBe("2025-12-31 23:55:00");
    for (let i = 1; i < slices.length; i++) expect(slices[i]?.from).toBe(slices[i - 1]?.endBefore);
    expect(slices.at(-1)?.endBefore).toBeUndefined();
  });

  it("keeps every boundary strictly after the position and at most the last record, dropping repeats", () => {
    const plan = planSlices({ position, last: "2026-01-01 00:00:02", slices: 4 });
    expect(plan?.slices.map((s) => s.from)).toEqual([undefined, "2026-01-01 00:00:01"]);
    expect(planSlices({ position, last: "2026-01-01 00:00:00", slices: 4 })).toBeUndefined();
    expect(planSlices({ position, last: "2025-12-01 00:00:00", slices: 4 })).toBeUndefined();
    expect(planSlices({ position, last: "2026-02-01 00:00:00", slices: 1 })).toBeUndefined();
  });

  it("slices a read only after 20 × (2n-1) pages, so its extra requests stay within 5 %", () => {
    expect(sliceAfterPages(4)).toBe(140);
    expect(sliceAfterPages(2)).toBe(60);
    const extra = 2 * 4 - 1;
    expect(extra / (sliceAfterPages(4) + 1)).toBeLessThanOrEqual(0.05);
  });
});

describe("slice positions", () => {
  const plan = planSlices({ position, last: "2026-01-05 00:00:00", slices: 2 });
  if (plan === undefined) throw new Error("no plan");

  it("moves a slice forward only, and marks it done", () => {
    const later = { updatedOn: "2026-01-03 10:00:00", sysId: id(1) };
    const moved = advanceSlice(plan, 1, { key: later });
    expect(moved.slices[1]?.cursor).toEqual(later);
    expect(
      advanceSlice(moved, 1, { key: { updatedOn: "2026-01-03 09:00:00", sysId: id(9) } }).slices[1]?.cursor,
    ).toEqual(later);
    expect(advanceSlice(moved, 1, { done: true }).slices[1]).toMatchObject({ cursor: later, done: true });
    expect(plan.slices[1]?.cursor).toBeUndefined(); // the plan given is not changed
  });

  it("ends the stream at the furthest key of any slice", () => {
    const moved = advanceSlice(plan, 1, { key: { updatedOn: "2026-01-04 00:00:00", sysId: id(3) } });
    expect(finalCursor(moved, "usage")).toEqual({ stream: "usage", updatedOn: "2026-01-04 00:00:00", sysId: id(3) });
    expect(finalCursor(plan, "usage")).toEqual({ stream: "usage", ...position });
  });

  it("resumes a slice from its cursor minus the lookback, never below its own lower bound", () => {
    const slice = { from: "2026-01-03 00:00:00", done: false };
    expect(resumeBound(slice, 300)).toBe("2026-01-03 00:00:00");
    expect(resumeBound({ ...slice, cursor: { updatedOn: "2026-01-03 00:02:00", sysId: id(1) } }, 300)).toBe(
      "2026-01-03 00:00:00",
    );
    expect(resumeBound({ ...slice, cursor: { updatedOn: "2026-01-04 00:00:00", sysId: id(1) } }, 300)).toBe(
      "2026-01-03 23:55:00",
    );
    expect(resumeBound({ done: false }, 300)).toBeUndefined();
  });
});

describe("the stored plan", () => {
  it("reads back what was written", () => {
    const plan = planSlices({ position, last: "2026-01-05 00:00:00", slices: 3, from: "2025-12-01 00:00:00" });
    if (plan === undefined) throw new Error("no plan");
    const moved = advanceSlice(plan, 2, { key: { updatedOn: "2026-01-04 00:00:00", sysId: id(2) }, done: true });
    expect(parseSlicePlan(serializeSlicePlan(moved))).toEqual(moved);
  });

  it("reads nothing from a missing, damaged or foreign value (the read then resumes from the stream's cursor)", () => {
    expect(parseSlicePlan(undefined)).toBeUndefined();
    expect(parseSlicePlan("{not json")).toBeUndefined();
    expect(parseSlicePlan(JSON.stringify({ slices: [{ done: false }] }))).toBeUndefined();
    expect(
      parseSlicePlan(JSON.stringify({ slices: [{ done: false, from: "2026-01-01T00:00:00Z" }, { done: false }] })),
    ).toBeUndefined();
    expect(
      parseSlicePlan(
        JSON.stringify({
          slices: [{ done: false, cursor: { updatedOn: "2026-01-01 00:00:00", sysId: "x" } }, { done: false }],
        }),
      ),
    ).toBeUndefined();
  });
});

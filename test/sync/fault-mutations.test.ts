// Fault matrix row 13 (reference/style-reliability-ecosystem.md B6): other users edit records between the pages of a
// pull (the dev instance's `mutateBetweenPages` fault). Keyset paging skips nothing: an edited record moves forward
// in (sys_updated_on, sys_id) order and is read later in the same run or by the next one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StreamName } from "../../src/domain/cursor.js";
import { MUTATION_USER } from "../../src/simulator/server/mutate-between-pages.js";
import type { LedgerWrite } from "../../src/simulator/store/ledger.js";
import { PullHarness } from "../helpers/pull-harness.js";

let h: PullHarness;
beforeAll(async () => {
  h = await PullHarness.start();
});
afterAll(async () => {
  await h?.close();
});

describe("row 13: records mutated during paging", () => {
  it("after two runs recordsMissing is 0 and the cache equals the instance; after one, only mutated rows can lag", async () => {
    h.sim.setFaults({ mutateBetweenPages: 3, seed: 13, kinds: ["read"] });
    const first = await h.pull();
    expect(first.outcome).toBe("ok");
    const mutated = await h.admin<LedgerWrite[]>(`ledger/writes?user=${MUTATION_USER}`);
    expect(mutated.length).toBeGreaterThan(20);
    const mutatedIds = new Set(mutated.map((w) => w.sysId));

    h.sim.setFaults({});
    for (const stream of ["services", "usage"] as StreamName[]) {
      const m = await h.recordsMissing(stream);
      // Nothing that was left alone is missing or stale; at most the last edits (made while the run was ending).
      for (const id of m.sysIds) expect(mutatedIds.has(id), `${stream} ${id} missing but never mutated`).toBe(true);
      expect(m.extra).toBe(0);
      expect(m.duplicateCacheRows).toBe(0);
    }

    const second = await h.pull();
    expect(second.outcome).toBe("ok");
    for (const stream of ["services", "usage"] as StreamName[]) {
      const m = await h.recordsMissing(stream);
      expect(m.missing, `${stream}: ${m.sysIds.join(",")}`).toBe(0);
      expect(m.extra).toBe(0);
      expect(m.duplicateCacheRows).toBe(0);
    }
  });
});

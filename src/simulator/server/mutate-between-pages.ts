// The "records mutated between pages" fault (DESIGN.md §3, fault matrix row 13): between two list requests, other
// users edit a few records of the table being paged, which moves them forward in sys_updated_on order. A correct
// keyset reader picks them up (in this run or the next); an offset reader skips or duplicates rows.
import { glideDateTime, type InstanceContext } from "./instance-context.js";
import type { WriteEvent } from "./sim-request.js";

/** The user the injected edits are made as, so a test can tell them apart in the ledger. */
export const MUTATION_USER = "fault.injector";

export function mutateBetweenPages(
  ctx: InstanceContext,
  table: string,
  count: number,
  rng: () => number,
): WriteEvent[] {
  const writes: WriteEvent[] = [];
  for (const sysId of ctx.store.sampleSysIds(table, count, rng)) {
    const current = ctx.store.get(table, sysId);
    if (!current) continue;
    // Change a value a human would plausibly change, so the new version differs from the cached one.
    const values: Record<string, string> =
      "u_visits" in current
        ? { u_visits: String((Number(current.u_visits) || 0) + 1) }
        : "short_description" in current
          ? { short_description: `${current.short_description ?? ""} (mis à jour)`.trim() }
          : {};
    const result = ctx.store.update(table, sysId, values, { user: MUTATION_USER, now: glideDateTime(ctx.now()) });
    if (result) {
      writes.push({
        op: "update",
        table,
        sysId,
        user: MUTATION_USER,
        before: result.before,
        after: result.after,
        changedFields: result.changedFields,
      });
    }
  }
  return writes;
}

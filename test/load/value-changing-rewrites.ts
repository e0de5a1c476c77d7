// "Duplicate writes" as reference/style-reliability-ecosystem.md B6 counts them: writes to a record after the first
// one that changed it. A repeat that changes nothing (an idempotent replay) is harmless and counted apart; a second
// write that changes values again, while the data it is computed from did not change, must never happen.
import type { LedgerWrite } from "../../src/simulator/store/ledger.js";

export interface RewriteFigures {
  /** Records written with at least one changed value. */
  recordsChanged: number;
  /** Writes after the first value-changing one that changed values again (must be 0). */
  valueChangingRewrites: number;
  /** Writes that changed nothing (idempotent repeats). */
  idempotentRepeats: number;
  /** sys_ids of the records rewritten (first 20). */
  rewritten: string[];
}

/** `writes`: the ledger's writes by the connector's user (a human's edits are not the connector's). */
export function valueChangingRewrites(writes: Iterable<LedgerWrite>): RewriteFigures {
  const changed = new Set<string>();
  const rewritten: string[] = [];
  let valueChanging = 0;
  let idempotent = 0;
  for (const w of writes) {
    if (w.op !== "update") continue;
    if (w.changedFields.length === 0) {
      idempotent++;
      continue;
    }
    if (changed.has(w.sysId)) {
      valueChanging++;
      if (rewritten.length < 20) rewritten.push(w.sysId);
    } else changed.add(w.sysId);
  }
  return {
    recordsChanged: changed.size,
    valueChangingRewrites: valueChanging,
    idempotentRepeats: idempotent,
    rewritten,
  };
}

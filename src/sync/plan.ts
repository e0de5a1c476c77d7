// The write plan (pure): year views + the remote values of the owned columns + what empreinte last wrote → the
// writes to send and the conflicts to report. Only owned columns are ever planned; a column whose formatted value is
// already on the record is not rewritten; a column a human changed since empreinte wrote it is a conflict and is
// kept unless `force` (DESIGN.md §4 invariant 4; reference/style-reliability-ecosystem.md B5.3).
import type { OwnedFields } from "../config/owned-fields-schema.js";
import type { ServiceYearView } from "../domain/estimate.js";
import type { ColumnType, Conflict, PlannedWrite, WritePlan } from "../domain/write-plan.js";
import { formatForColumn, sameColumnValue } from "./format-for-column.js";

export interface PlanInput {
  services: Iterable<{
    sysId: string;
    /** Remote values of the owned columns as last pulled. */
    owned: Readonly<Record<string, string>>;
    view: ServiceYearView;
    /** What empreinte last wrote to each owned column of this record (absent when it never wrote it). */
    lastWritten?: Readonly<Record<string, string>>;
  }>;
  owned: OwnedFields;
  columns: ReadonlyMap<string, ColumnType>;
  /** The run's UTC time, `YYYY-MM-DD HH:mm:ss`, written to the computed-on column with every change. */
  computedOn: string;
  force: boolean;
}

const STRING: ColumnType = { type: "string" };

/** The values the method puts in each owned field (before formatting), from one year view. */
export function ownedValues(view: ServiceYearView): Record<keyof OwnedFields, number | string | null> {
  const c = view.confidence;
  return {
    co2eKgYear: view.co2eKgYear,
    co2eKgMonth: view.co2eKgMonth,
    energyKwhYear: view.energyKwhYear,
    co2eGPerVisit: view.gPerVisitYear,
    carbonGrade: view.grade,
    carbonConfidence: c.level === null || c.score === null ? null : `${c.level} ${c.score.toFixed(2)}`,
    usageStatus: view.usageStatus,
    visitsYear: view.visitsYear,
    carbonMethod: view.carbonMethod,
    // Stamped only when something else changes, so that an unchanged footprint is never rewritten.
    carbonComputedOn: null,
  };
}

export function planWrites(input: PlanInput): WritePlan {
  const writes: PlannedWrite[] = [];
  const conflicts: Conflict[] = [];
  let unchanged = 0;
  const stampColumn = input.owned.carbonComputedOn;
  for (const s of input.services) {
    const values = ownedValues(s.view);
    const fields: Record<string, string> = {};
    for (const [name, value] of Object.entries(values) as Array<[keyof OwnedFields, number | string | null]>) {
      const column = input.owned[name];
      if (column === stampColumn) continue;
      const type = input.columns.get(column) ?? STRING;
      const wanted = formatForColumn(value, type);
      const remote = s.owned[column] ?? "";
      if (sameColumnValue(remote, wanted, type)) continue;
      const last = s.lastWritten?.[column];
      // A remote value that is neither empty nor what we wrote last was put there by someone else.
      const humanEdit = last === undefined ? remote !== "" : !sameColumnValue(remote, last, type);
      if (humanEdit && !input.force) {
        conflicts.push({ sysId: s.sysId, column, remote, lastWritten: last ?? "", wanted });
        continue;
      }
      fields[column] = wanted;
    }
    if (Object.keys(fields).length === 0) {
      unchanged += 1;
      continue;
    }
    fields[stampColumn] = formatForColumn(input.computedOn, input.columns.get(stampColumn) ?? STRING);
    writes.push({ sysId: s.sysId, fields });
  }
  return { writes, conflicts, unchanged };
}

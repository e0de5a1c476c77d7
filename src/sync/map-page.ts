// A page of raw Table API rows, split into the rows to cache and the ones to quarantine (with their reason); `{}`
// rows (hidden by an ACL, KB0727636) are only counted. Pure.
import type { QuarantinedRecord } from "../store/cache-repository.js";
import type { StreamSpec } from "./pull-stream.js";
import type { RawRecord } from "./read-field.js";

function isEmptyObject(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
}

function isRawRecord(value: unknown): value is RawRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function mapPage<T, R>(
  spec: Pick<StreamSpec<T, R>, "map" | "row">,
  records: readonly unknown[],
): { rows: R[]; quarantined: QuarantinedRecord[]; aclHidden: number } {
  const rows: R[] = [];
  const quarantined: QuarantinedRecord[] = [];
  let aclHidden = 0;
  for (const item of records) {
    if (isEmptyObject(item)) {
      aclHidden += 1;
      continue;
    }
    // A plain check rather than a schema parse: a record is any JSON object (RawRecord), and parsing copied each of
    // 2.2 million rows for nothing (measured 2.7 µs a row).
    if (!isRawRecord(item)) {
      quarantined.push({ sysId: "", reason: "the row is not a JSON object", raw: item });
      continue;
    }
    const mapped = spec.map(item);
    if (mapped.ok) rows.push(spec.row(mapped.value, item));
    else quarantined.push({ sysId: mapped.sysId, reason: mapped.reason, raw: item });
  }
  return { rows, quarantined, aclHidden };
}

// What every handler of the dev instance may use: the schema, the records, the instance clock and settings.
import type { SchemaRegistry } from "../schema/schema-registry.js";
import type { RecordStore } from "../store/record-store.js";

export interface InstanceSettings {
  /** ServiceNow's `glide.invalid_query.returns_no_rows` (default false: invalid terms are silently dropped). */
  invalidQueryReturnsNoRows: boolean;
  /** Emit rel="prev" on the first page (2026 PDI behaviour) or not (2019 capture). */
  prevOnFirstPage: boolean;
  /** Fields a write may not touch, per table: a PATCH naming one gets 403 "ACL Exception Update Failed". */
  writeDenied: Array<{ table: string; field: string }>;
}

export const defaultInstanceSettings = (): InstanceSettings => ({
  invalidQueryReturnsNoRows: false,
  prevOnFirstPage: true,
  writeDenied: [],
});

export interface InstanceContext {
  schema: SchemaRegistry;
  store: RecordStore<SchemaRegistry>;
  settings: InstanceSettings;
  /** The instance's clock (real time plus any injected offset). */
  now(): Date;
}

/** `YYYY-MM-DD HH:mm:ss` in UTC, the stored form of every datetime. */
export function glideDateTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace("T", " ");
}

// Errors the record store raises. The server maps them to envelopes; all are caller mistakes, never retryable.
export type StoreErrorKind =
  /** The table is not in the schema (the server should have answered 400 "Invalid table" before calling). */
  | "unknown_table"
  /** An insert or bulk load gave a sys_id that already exists somewhere on the instance. */
  | "duplicate_sys_id"
  /** A bulk-loaded record lacks a sys_id. */
  | "invalid_record"
  /** A bulk-loaded record's sys_class_name is not the table or one of its descendants. */
  | "class_mismatch";

export class StoreError extends Error {
  override readonly name = "StoreError";

  constructor(
    readonly kind: StoreErrorKind,
    message: string,
  ) {
    super(message);
  }
}

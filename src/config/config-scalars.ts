// Building blocks shared by the config schemas. Values can arrive as text: `${VAR}` interpolation and environment
// variables only ever produce strings, so `maxConcurrent: ${SN_MAX_CONCURRENT}` must still parse as 4 when the
// variable holds "4" (issue #3 deliverable 4: "number-like strings parsed").
import { z } from "zod";

const NUMBER_LIKE = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;

/** "4" → 4 and " 0.5 " → 0.5; anything else is passed through for the number schema to judge. */
export function numberFromText(value: unknown): unknown {
  if (typeof value === "string" && NUMBER_LIKE.test(value.trim())) return Number(value.trim());
  return value;
}

/** "true"/"false" (any case) → boolean; anything else is passed through for the boolean schema to judge. */
export function booleanFromText(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const text = value.trim().toLowerCase();
  if (text === "true") return true;
  if (text === "false") return false;
  return value;
}

/**
 * A number setting that also accepts number-like text. Put `.default()`/`.optional()` on the inner schema so the
 * JSON Schema (io: "input") still shows them; put `.describe()` on the result.
 */
export function numeric<T extends z.ZodType>(schema: T) {
  return z.preprocess(numberFromText, schema);
}

/** A boolean setting that also accepts "true"/"false" text. */
export function flag<T extends z.ZodType>(schema: T) {
  return z.preprocess(booleanFromText, schema);
}

// ServiceNow table and column names are lower-case identifiers (`u_` prefix for customer columns).
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** A table name, e.g. `cmdb_ci_service`. */
export function tableName(fallback: string) {
  return z
    .string()
    .regex(IDENTIFIER, {
      message: "must be a ServiceNow table name: lower-case letters, digits and _ (e.g. cmdb_ci_service)",
    })
    .default(fallback);
}

/** A column name, e.g. `u_vcpu_count`. */
export const columnName = z.string().regex(IDENTIFIER, {
  message: "must be a ServiceNow column name: lower-case letters, digits and _ (e.g. u_vcpu_count)",
});

/** Names used as map keys (instances, jobs): short, no spaces, safe in logs and metric labels. */
export const entryName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, { message: "must be letters, digits, _ or - (e.g. nightly)" });

/**
 * An encoded query the connector ANDs with its own keyset conditions. It must not order (the connector orders by
 * sys_updated_on,sys_id itself, servicenow-api.md §6.1) nor start a new query with ^NQ (the cursor conditions would
 * then bind to one branch only and the other would be re-read in full on every page).
 */
export const baseQuery = z
  .string()
  .superRefine((query, ctx) => {
    if (/ORDERBY/.test(query)) {
      ctx.addIssue({
        code: "custom",
        message: "must not contain ORDERBY: the connector orders by sys_updated_on,sys_id itself; remove it",
      });
    }
    if (/\^NQ/.test(query)) {
      ctx.addIssue({
        code: "custom",
        message:
          "must not contain ^NQ: write one condition set (use ^OR inside it), the connector adds its own conditions",
      });
    }
  })
  .default("");

/** Rows per page, capped at the instance's default sysparm_limit (servicenow-api.md §1). */
export function pageSize() {
  return numeric(z.int().min(1).max(10_000).default(1000)).describe(
    "Records per request (sysparm_limit). 1000 keeps each request well under the instance's 60 s transaction quota.",
  );
}

/** Whether a window of a page or more is first compared through the Aggregate API (docs/adr/0008). */
export function windowProbe() {
  return z
    .boolean()
    .default(true)
    .describe(
      "When the lookback window holds a page of records or more (typically our own writes of the last run), first compare its count, latest sys_updated_on and sum of sys_mod_count with the instance's through the Aggregate API (one request) and read it row by row only if they differ. false: always read it (for an integration user without access to /api/now/stats).",
    );
}

/** The lookback window re-read every run (DESIGN.md §4 invariant 2). */
export function lookbackS() {
  return numeric(z.int().min(0).max(86_400).default(300)).describe(
    "Seconds before the saved cursor that every run reads again, to catch records committed late with an older sys_updated_on.",
  );
}

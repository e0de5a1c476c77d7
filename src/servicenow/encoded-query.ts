// Building encoded queries (`sysparm_query`) safely (pure). servicenow-api.md §2: `^` joins terms, `^OR` and `^NQ`
// change the logic, so a value that contains them could rewrite the query (michaeldcanady/servicenow-sdk-go #645
// "encoded-query injection", #772 field-name injection). Rules here:
// - field names are validated, never escaped: anything but `[a-z_][a-z0-9_.]*` is a config error naming it;
// - every value is escaped `^` → `^^` (GlideStringUtil.escapeQueryTermSeparator, §2.4);
// - values with line breaks, and values starting with `javascript:` (the instance evaluates those as script, §2.2),
//   are refused;
// - `,` (IN lists) and `@` (BETWEEN) have no escape, so list values containing them are refused;
// - datetimes are UTC `YYYY-MM-DD HH:mm:ss` (§2.3), never ISO-8601.
import { ConnectorError } from "../lib/connector-error.js";
import { isGlideDateTime } from "./glide-date-time.js";

const FIELD_NAME = /^[a-z_][a-z0-9_.]*$/;
const SYS_ID = /^[0-9a-f]{32}$/;

export type ValueOperator = "=" | "!=" | ">" | ">=" | "<" | "<=" | "LIKE" | "NOT LIKE" | "STARTSWITH" | "ENDSWITH";
export type UnaryOperator = "ISEMPTY" | "ISNOTEMPTY";

/** A column name fit for a query or `sysparm_fields`; throws a config error naming it otherwise. */
export function queryField(name: string): string {
  if (!FIELD_NAME.test(name) || name.endsWith(".") || name.includes("..") || name.length > 160) {
    throw new ConnectorError(
      "config",
      `Invalid field name ${JSON.stringify(name)}: a ServiceNow column name is lower-case letters, digits and "_", ` +
        `with "." only to dot-walk a reference (e.g. "owned_by.name"). Check the field map in the configuration.`,
    );
  }
  return name;
}

/** True for a ServiceNow sys_id: 32 lower-case hex characters (§1.6). */
export function isSysId(value: unknown): value is string {
  return typeof value === "string" && SYS_ID.test(value);
}

/** Escapes one value for an encoded query: `^` → `^^`. Refuses line breaks and `javascript:` values. */
export function escapeQueryValue(value: string): string {
  if (/[\r\n\u2028\u2029]/.test(value)) {
    throw new ConnectorError("config", `A query value contains a line break, which an encoded query cannot carry.`);
  }
  if (/^\s*javascript:/i.test(value)) {
    throw new ConnectorError(
      "config",
      `A query value starts with "javascript:", which the instance would evaluate as a script (servicenow-api.md §2.2). ` +
        `Refusing to send it.`,
    );
  }
  return value.replaceAll("^", "^^");
}

/** `<field><op><value>`, e.g. `name=Library^^registration` for the value "Library^registration". */
export function queryTerm(field: string, operator: ValueOperator, value: string): string {
  return `${queryField(field)}${operator}${escapeQueryValue(value)}`;
}

/** `<field>ISEMPTY` / `<field>ISNOTEMPTY`. */
export function unaryTerm(field: string, operator: UnaryOperator): string {
  return `${queryField(field)}${operator}`;
}

/** `<field>IN a,b,c` (or `NOT IN`). `,` and `@` cannot be escaped there, so values containing them are refused. */
export function inTerm(field: string, values: readonly string[], negate = false): string {
  if (values.length === 0) throw new ConnectorError("config", `An IN list on "${queryField(field)}" needs a value.`);
  const escaped = values.map((value) => {
    if (/[,@]/.test(value)) {
      throw new ConnectorError(
        "config",
        `A value of the IN list on "${queryField(field)}" contains "," or "@", which an encoded query cannot escape.`,
      );
    }
    return escapeQueryValue(value);
  });
  return `${queryField(field)}${negate ? "NOT IN" : "IN"}${escaped.join(",")}`;
}

export function orderBy(field: string): string {
  return `ORDERBY${queryField(field)}`;
}

export function orderByDesc(field: string): string {
  return `ORDERBYDESC${queryField(field)}`;
}

/** ANDs terms, skipping empty ones. */
export function joinQuery(...terms: ReadonlyArray<string | undefined>): string {
  return terms.filter((t): t is string => t !== undefined && t !== "").join("^");
}

/** Splits on separators, reading `^^` as a literal caret (greedy from the left, as the instance does). */
function splitTerms(query: string): string[] {
  const terms: string[] = [];
  let current = "";
  for (let i = 0; i < query.length; i++) {
    const ch = query.charAt(i);
    if (ch !== "^") current += ch;
    else if (query.charAt(i + 1) === "^") {
      current += "^^";
      i++;
    } else {
      terms.push(current);
      current = "";
    }
  }
  terms.push(current);
  return terms;
}

/**
 * Checks the configured base filter (a raw encoded query the admin wrote) so it can be repeated in each `^NQ`
 * group of the keyset query: no `^NQ` of its own (it would escape the group), no `ORDERBY` (we own the order),
 * no line breaks. A trailing `^EQ` (UI-generated strings) is dropped. Returns the filter to use ("" for none).
 */
export function baseFilter(base: string | undefined): string {
  const text = (base ?? "").trim();
  if (text === "") return "";
  const refuse = (why: string) =>
    new ConnectorError(
      "config",
      `The configured query filter ${JSON.stringify(text)} ${why}. Fix it in the configuration.`,
    );
  if (/[\r\n]/.test(text)) throw refuse("contains a line break");
  const terms = splitTerms(text);
  if (terms.at(-1) === "EQ") terms.pop();
  for (const [index, term] of terms.entries()) {
    if (index > 0 && term.startsWith("NQ")) throw refuse("uses ^NQ; express it with ^OR instead");
    if (term.startsWith("ORDERBY")) throw refuse("sets an order (ORDERBY); empreinte orders by sys_updated_on, sys_id");
    if (term === "") throw refuse("has an empty term (a stray ^)");
  }
  return terms.join("^");
}

export interface KeysetKey {
  /** UTC `YYYY-MM-DD HH:mm:ss`. */
  updatedOn: string;
  sysId: string;
}

function checkedKey(key: KeysetKey): KeysetKey {
  if (!isGlideDateTime(key.updatedOn) || !isSysId(key.sysId)) {
    throw new ConnectorError(
      "data",
      `Invalid cursor (${JSON.stringify(key.updatedOn)}, ${JSON.stringify(key.sysId)}): expected a UTC ` +
        `"YYYY-MM-DD HH:mm:ss" and a 32-hex sys_id. Run "empreinte state reset" if the stored cursor is damaged.`,
    );
  }
  return key;
}

const KEYSET_ORDER = "ORDERBYsys_updated_on^ORDERBYsys_id";

/**
 * The keyset query of servicenow-api.md §6.1 (singer-io/tap-servicenow):
 * - first page: `[BASE^]sys_updated_on>=B^ORDERBYsys_updated_on^ORDERBYsys_id` (no B term without a lower bound);
 * - next pages, after (T, S): `[BASE^][sys_updated_on>=B^]sys_updated_on>T^NQ[BASE^][sys_updated_on>=B^]
 *   sys_updated_on=T^sys_id>S^ORDERBYsys_updated_on^ORDERBYsys_id`.
 * The base filter is repeated in each `^NQ` group, since a group is an independent query (§2.1).
 * `since` (B) is the run's lower bound: the stored cursor minus the lookback window, or `--since`.
 * `until` (U) is the run's signpost, `sys_updated_on<=U` in each group: the instance's clock at the read's first
 * response, so that records edited while the run pages are left to the next run instead of being chased (B5.2).
 */
export function keysetQuery(input: {
  base?: string;
  cursor: KeysetKey | undefined;
  since?: string;
  until?: string;
}): string {
  const base = joinQuery(
    baseFilter(input.base),
    input.until === undefined ? undefined : `sys_updated_on<=${checkedDateTime(input.until, "signpost")}`,
  );
  if (input.since !== undefined && !isGlideDateTime(input.since)) {
    throw new ConnectorError(
      "usage",
      `Invalid lower bound ${JSON.stringify(input.since)}: expected a UTC "YYYY-MM-DD HH:mm:ss" (never ISO-8601 with T/Z).`,
    );
  }
  const lower = input.since === undefined ? undefined : `sys_updated_on>=${input.since}`;
  if (input.cursor === undefined) return joinQuery(base, lower, KEYSET_ORDER);
  const { updatedOn, sysId } = checkedKey(input.cursor);
  const after = joinQuery(base, lower, `sys_updated_on>${updatedOn}`);
  const tie = joinQuery(base, lower, `sys_updated_on=${updatedOn}`, `sys_id>${sysId}`);
  return `${after}^NQ${tie}^${KEYSET_ORDER}`;
}

function checkedDateTime(value: string, what: string): string {
  if (!isGlideDateTime(value)) {
    throw new ConnectorError("data", `Invalid ${what} ${JSON.stringify(value)}: expected a UTC "YYYY-MM-DD HH:mm:ss".`);
  }
  return value;
}

/**
 * The deletion-reconciliation scan (§6.1, full table): `[BASE^]sys_id>S^ORDERBYsys_id`, first page without the
 * `sys_id>` term.
 */
export function sysIdScanQuery(base: string | undefined, afterSysId: string | undefined): string {
  if (afterSysId !== undefined && !isSysId(afterSysId)) {
    throw new ConnectorError("data", `Invalid sys_id ${JSON.stringify(afterSysId)} in the reconciliation scan.`);
  }
  return joinQuery(baseFilter(base), afterSysId === undefined ? undefined : `sys_id>${afterSysId}`, "ORDERBYsys_id");
}

// Which columns a table has, and their types, as the instance's dictionary declares them (servicenow-api.md §0
// fact 21, §6 "Column-existence check"). A `sys_dictionary` row lives on the table that DEFINES the column, so an
// inherited column (cmdb_ci.name on cmdb_ci_service) is found only by walking `sys_db_object.super_class` up to the
// root and querying every table of that chain (the backstage schema-checker anti-pattern of §6 queries one table).
import type { ColumnType } from "../domain/write-plan.js";
import { ConnectorError } from "../lib/connector-error.js";
import { inTerm, isSysId, joinQuery, orderBy, queryField, queryTerm } from "../servicenow/encoded-query.js";
import type { ListPageSource } from "../servicenow/keyset-pages.js";

export interface ColumnTypes {
  /** `table` first, then its parent, up to the root (e.g. cmdb_ci_service, cmdb_ci, cmdb). */
  chain: string[];
  /** Column → type, from the nearest table of the chain that defines it. */
  types: Map<string, ColumnType>;
  /** Asked-for columns no table of the chain defines (or whose definition is inactive), in the order asked. */
  missing: string[];
}

/** Deeper than any real hierarchy (task → incident is 2, cmdb → cmdb_ci_service_business 3): a loop, not a class. */
const MAX_DEPTH = 32;
/** `tap-servicenow` chunks `nameIN` lists by 50 (§6); the same keeps our URLs short. */
const IN_CHUNK = 50;
const DICTIONARY_PAGE = 500;
const DICTIONARY_FIELDS = ["name", "element", "internal_type", "max_length", "scale", "attributes", "active"];

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** A whole number from a dictionary value ("" → undefined). */
function whole(value: string): number | undefined {
  return /^\d+$/.test(value.trim()) ? Number(value.trim()) : undefined;
}

/**
 * A decimal's digits after the point: the `scale` column where the instance has one (the dev instance), else the
 * `scale=N` dictionary attribute, which is where a real instance keeps it (create-default-schema.ts notes).
 */
function scaleOf(row: Record<string, unknown>): number | undefined {
  return whole(text(row.scale)) ?? whole(/(?:^|,)\s*scale=(\d+)/.exec(text(row.attributes))?.[1] ?? "");
}

function columnType(row: Record<string, unknown>): ColumnType {
  const scale = scaleOf(row);
  const maxLength = whole(text(row.max_length));
  return {
    type: text(row.internal_type),
    ...(scale === undefined ? {} : { scale }),
    ...(maxLength === undefined ? {} : { maxLength }),
  };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function tableRow(client: ListPageSource, query: string): Promise<Record<string, unknown> | undefined> {
  const page = await client.listPage("sys_db_object", {
    query,
    // `super_class.name` dot-walks the reference (§6); `super_class` (a sys_id) is the fallback where it does not.
    fields: ["name", "super_class", "super_class.name"],
    systemFields: ["sys_id"],
    limit: 10,
  });
  return page.records.find(
    (r): r is Record<string, unknown> =>
      typeof r === "object" && r !== null && text((r as { name?: unknown }).name) !== "",
  );
}

/** The parent's sys_db_object row: by name when the dot-walk answered, else through the reference's sys_id. */
async function parentRow(
  client: ListPageSource,
  row: Record<string, unknown>,
): Promise<Record<string, unknown> | undefined> {
  const walked = text(row["super_class.name"]);
  if (walked !== "") return tableRow(client, queryTerm("name", "=", walked));
  const ref = text(row.super_class);
  return isSysId(ref) ? tableRow(client, queryTerm("sys_id", "=", ref)) : undefined;
}

/** `table` and its ancestors, nearest first. Throws a config error when `table` itself has no sys_db_object row. */
async function tableChain(client: ListPageSource, table: string): Promise<string[]> {
  let row = await tableRow(client, queryTerm("name", "=", table));
  if (row === undefined) {
    throw new ConnectorError(
      "config",
      `Table ${table} does not exist on the instance (no sys_db_object row named ${table}), or the integration ` +
        `user cannot read sys_db_object. Check the table name in the configuration (catalogue.table, usage.table), ` +
        `and that the user may read sys_db_object and sys_dictionary.`,
    );
  }
  const chain: string[] = [];
  // An ancestor we cannot see ends the walk: the columns it defines are then reported missing, which names it.
  while (row !== undefined) {
    const name = text(row.name);
    if (chain.includes(name) || chain.length >= MAX_DEPTH) {
      throw new ConnectorError(
        "data",
        `The table hierarchy of ${table} loops or is too deep (${[...chain, name].join(" → ")}): ` +
          "sys_db_object.super_class is inconsistent on the instance.",
      );
    }
    chain.push(name);
    row = await parentRow(client, row);
  }
  return chain;
}

/**
 * Types of `columns` on `table` (inherited ones included), from `sys_dictionary` rows
 * `nameIN<chain>^elementIN<columns>`, paged by sys_id until an EMPTY page: the dictionary is ACL-filtered, so a
 * short page is not the end (§6, KB0727636).
 */
export async function readColumnTypes(
  client: ListPageSource,
  table: string,
  columns: readonly string[],
): Promise<ColumnTypes> {
  const wanted = [...new Set(columns.map(queryField))];
  const chain = await tableChain(client, table);
  const found = new Map<string, { depth: number; type: ColumnType }>();
  for (const names of chunks(chain, IN_CHUNK)) {
    for (const elements of chunks(wanted, IN_CHUNK)) {
      let after: string | undefined;
      for (;;) {
        const query = joinQuery(
          inTerm("name", names),
          inTerm("element", elements),
          after === undefined ? undefined : `sys_id>${after}`,
          orderBy("sys_id"),
        );
        const page = await client.listPage("sys_dictionary", {
          query,
          fields: DICTIONARY_FIELDS,
          systemFields: ["sys_id"],
          limit: DICTIONARY_PAGE,
        });
        if (page.records.length === 0) break;
        let last: string | undefined;
        for (const raw of page.records) {
          if (typeof raw !== "object" || raw === null) continue;
          const row = raw as Record<string, unknown>;
          if (isSysId(row.sys_id)) last = row.sys_id;
          const depth = chain.indexOf(text(row.name));
          const element = text(row.element);
          // `{}` rows (ACL-hidden), other tables, and deactivated definitions define nothing we can write.
          if (depth < 0 || !wanted.includes(element) || text(row.active) === "false") continue;
          const seen = found.get(element);
          if (seen === undefined || depth < seen.depth) found.set(element, { depth, type: columnType(row) });
        }
        // A page of `{}` rows only: the keyset cannot move, and the next page would repeat this one.
        if (last === undefined || last === after) break;
        after = last;
      }
    }
  }
  const types = new Map<string, ColumnType>();
  for (const column of wanted) {
    const hit = found.get(column);
    if (hit !== undefined) types.set(column, hit.type);
  }
  return { chain, types, missing: wanted.filter((c) => !types.has(c)) };
}

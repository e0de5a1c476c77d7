// The types of the owned columns on the catalogue table, read from sys_dictionary (walking sys_db_object.super_class)
// and kept in the cache's meta table for a day: the plan formats values to them, and a run with nothing to do should
// cost one request per table, not five more for metadata (issue #8: a no-op sync ≤ 3 requests).
import type { EmpreinteConfig } from "../config/config-schema.js";
import type { ColumnType } from "../domain/write-plan.js";
import type { Clock } from "../lib/clock.js";
import { ConnectorError } from "../lib/connector-error.js";
import type { ServiceNowClient } from "../servicenow/table-client.js";
import type { CacheRepository } from "../store/cache-repository.js";
import { readColumnTypes } from "./read-column-types.js";

/** How long column types read from the instance are trusted. `check` and `--full` runs read them again. */
export const COLUMN_TYPES_TTL_MS = 24 * 3600 * 1000;

interface CachedTypes {
  readAtMs: number;
  columns: string[];
  types: Array<[string, ColumnType]>;
}

function metaKey(table: string): string {
  return `columnTypes:${table}`;
}

export async function ownedColumnTypes(
  client: ServiceNowClient,
  cache: CacheRepository,
  config: EmpreinteConfig,
  clock: Clock,
  options: { refresh?: boolean } = {},
): Promise<Map<string, ColumnType>> {
  const table = config.catalogue.table;
  const columns = Object.values(config.owned);
  const raw = cache.getMeta(metaKey(table));
  if (raw !== undefined && options.refresh !== true) {
    try {
      const cached = JSON.parse(raw) as CachedTypes;
      const sameColumns = cached.columns.length === columns.length && columns.every((c) => cached.columns.includes(c));
      if (sameColumns && clock.nowMs() - cached.readAtMs < COLUMN_TYPES_TTL_MS) return new Map(cached.types);
    } catch {
      // Unreadable: read them again.
    }
  }
  const read = await readColumnTypes(client, table, columns);
  if (read.missing.length > 0) {
    throw new ConnectorError(
      "config",
      `The catalogue table ${table} has no column ${read.missing.join(", ")} (owned footprint field${read.missing.length > 1 ? "s" : ""}). ` +
        "Create them with `empreinte setup --create-columns` (as an admin), or ask the instance admin; " +
        "`empreinte check` lists what is missing. Nothing was written.",
    );
  }
  const cached: CachedTypes = { readAtMs: clock.nowMs(), columns, types: [...read.types] };
  cache.setMeta(metaKey(table), JSON.stringify(cached));
  return read.types;
}

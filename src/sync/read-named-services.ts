// The operator's manual resync (`empreinte resync --service ID…`): the named catalogue records and all their usage
// rows are read again, whatever the cursors say, and committed to the cache without moving the cursors (a page
// commit given the current cursor leaves it where it is: cursors only move forward). A service is named by sys_id or
// by its exact name; a name that matches no record, or several, is reported, and the others carry on.
import type { EmpreinteConfig } from "../config/config-schema.js";
import type { Clock } from "../lib/clock.js";
import { baseFilter, inTerm, isSysId, joinQuery, orderBy, queryTerm } from "../servicenow/encoded-query.js";
import type { ServiceNowClient } from "../servicenow/table-client.js";
import type { CacheRepository } from "../store/cache-repository.js";
import { mapPage } from "./map-page.js";
import type { RawRecord } from "./read-field.js";
import { serviceStream, usageStream } from "./stream-specs.js";

export interface NamedServicesResult {
  /** sys_ids of the services read again. */
  sysIds: string[];
  /** Names or sys_ids that matched no record (or more than one, for a name), with why. */
  unresolved: Array<{ id: string; reason: string }>;
  usageRows: number;
  quarantined: number;
}

const IDS_PER_REQUEST = 100;

async function readAll(
  client: ServiceNowClient,
  table: string,
  query: string,
  fields: readonly string[],
  pageSize: number,
): Promise<RawRecord[]> {
  // Keyset by sys_id: the set is small, but a service may have many usage rows.
  const out: RawRecord[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await client.listPage(table, {
      query: joinQuery(query, after === undefined ? undefined : queryTerm("sys_id", ">", after), orderBy("sys_id")),
      fields,
      limit: pageSize,
    });
    if (page.records.length === 0) return out;
    for (const r of page.records) if (typeof r === "object" && r !== null) out.push(r as RawRecord);
    const last = out.at(-1)?.sys_id;
    if (typeof last !== "string" || last === after) return out;
    after = last;
  }
}

export async function readNamedServices(
  deps: { client: ServiceNowClient; usageClient: ServiceNowClient; cache: CacheRepository; clock: Clock },
  config: EmpreinteConfig,
  ids: readonly string[],
  fencingToken: number,
): Promise<NamedServicesResult> {
  const services = serviceStream(config);
  const usage = usageStream(config);
  const result: NamedServicesResult = { sysIds: [], unresolved: [], usageRows: 0, quarantined: 0 };
  const bySysId = ids.filter(isSysId);
  const byName = ids.filter((id) => !isSysId(id));
  const raws: RawRecord[] = [];
  const catalogueFilter = baseFilter(config.catalogue.query);
  for (let i = 0; i < bySysId.length; i += IDS_PER_REQUEST) {
    const chunk = bySysId.slice(i, i + IDS_PER_REQUEST);
    const query = joinQuery(catalogueFilter, inTerm("sys_id", chunk));
    const found = await readAll(deps.client, services.table, query, services.fields, chunk.length);
    raws.push(...found);
    const seen = new Set(found.map((r) => r.sys_id));
    for (const id of chunk) {
      if (!seen.has(id))
        result.unresolved.push({ id, reason: "no such record in the catalogue (or outside its filter)" });
    }
  }
  const nameColumn = config.catalogue.fields.name;
  for (const name of byName) {
    const query = joinQuery(catalogueFilter, queryTerm(nameColumn, "=", name));
    const found = await readAll(deps.client, services.table, query, services.fields, 2);
    if (found.length === 1) raws.push(...found);
    else {
      result.unresolved.push({
        id: name,
        reason:
          found.length === 0
            ? `no record with ${nameColumn} = "${name}"`
            : `${found.length} records share this name: use the sys_id`,
      });
    }
  }
  const { rows, quarantined } = mapPage(services, raws);
  const now = deps.clock.nowMs();
  services.commit(deps.cache, {
    records: rows,
    quarantined,
    cursor: deps.cache.getCursor("services"),
    fencingToken,
    nowMs: now,
  });
  result.sysIds = rows.map((r) => r.service.sysId);
  result.quarantined += quarantined.length;

  const serviceColumn = config.usage.fields.service;
  for (let i = 0; i < result.sysIds.length; i += IDS_PER_REQUEST) {
    const chunk = result.sysIds.slice(i, i + IDS_PER_REQUEST);
    const found = await readAll(
      deps.usageClient,
      usage.table,
      joinQuery(baseFilter(config.usage.query), inTerm(serviceColumn, chunk)),
      usage.fields,
      usage.pageSize,
    );
    const { rows: usageRows, quarantined: bad } = mapPage(usage, found);
    usage.commit(deps.cache, {
      records: usageRows,
      quarantined: bad,
      cursor: deps.cache.getCursor("usage"),
      fencingToken,
      nowMs: deps.clock.nowMs(),
    });
    result.usageRows += usageRows.length;
    result.quarantined += bad.length;
  }
  return result;
}

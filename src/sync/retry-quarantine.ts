// `empreinte quarantine retry`: quarantined records get another chance after someone fixed them on the instance
// (or fixed the field mapping). A record with a sys_id is read again from the instance and committed like a page:
// records that validate now are cached and their quarantine entries resolved; those still invalid stay, with the
// new reason; those gone from the instance are resolved as gone. A record without a sys_id can only be validated
// again as it arrived (it cannot be looked up). Cursors do not move. The caller holds the lease.
import type Database from "better-sqlite3";
import type { EmpreinteConfig } from "../config/config-schema.js";
import type { StreamName } from "../domain/cursor.js";
import type { Clock } from "../lib/clock.js";
import { baseFilter, inTerm, joinQuery } from "../servicenow/encoded-query.js";
import type { ServiceNowClient } from "../servicenow/table-client.js";
import type { CacheRepository, PageCommit, QuarantinedRecord } from "../store/cache-repository.js";
import { type QuarantineEntry, type QuarantineFilter, QuarantineRepository } from "../store/quarantine-repository.js";
import { mapPage } from "./map-page.js";
import type { StreamSpec } from "./pull-stream.js";
import type { RawRecord } from "./read-field.js";
import { serviceStream, usageStream } from "./stream-specs.js";

export interface RetryQuarantineResult {
  retried: number;
  /** Now valid and cached. */
  fixed: number;
  /** Still invalid (reason refreshed). */
  stillBad: number;
  /** No longer on the instance: resolved. */
  gone: number;
}

const IDS_PER_REQUEST = 100;

async function retryStream<T, R>(
  spec: StreamSpec<T, R>,
  entries: readonly QuarantineEntry[],
  deps: { client: ServiceNowClient; cache: CacheRepository; quarantine: QuarantineRepository; clock: Clock },
  fencingToken: number,
  result: RetryQuarantineResult,
): Promise<void> {
  const commit = (records: R[], quarantined: QuarantinedRecord[]) => {
    const page: PageCommit<R> = {
      records,
      quarantined,
      cursor: deps.cache.getCursor(spec.stream),
      fencingToken,
      nowMs: deps.clock.nowMs(),
    };
    spec.commit(deps.cache, page);
  };
  const validate = (raws: readonly RawRecord[]) => {
    const { rows: records, quarantined } = mapPage(spec, raws);
    result.fixed += records.length;
    result.stillBad += quarantined.length;
    commit(records, quarantined);
  };

  const withId = entries.filter((e) => e.sysId !== "");
  const withoutId = entries.filter((e) => e.sysId === "");
  for (let i = 0; i < withId.length; i += IDS_PER_REQUEST) {
    const chunk = withId.slice(i, i + IDS_PER_REQUEST);
    const ids = [...new Set(chunk.map((e) => e.sysId))];
    const page = await deps.client.listPage(spec.table, {
      query: joinQuery(baseFilter(spec.baseQuery), inTerm("sys_id", ids)),
      fields: spec.fields,
      limit: ids.length,
    });
    const raws = page.records.filter((r): r is RawRecord => typeof r === "object" && r !== null);
    const found = new Set(raws.map((r) => r.sys_id));
    validate(raws);
    const gone = chunk.filter((e) => !found.has(e.sysId));
    result.gone += deps.quarantine.markResolved(
      gone.map((e) => e.id),
      deps.clock.nowMs(),
    );
  }
  // Without a sys_id: the stored raw JSON is all there is. A fixed one is cached; the old entry is resolved either
  // way, since a still-bad one is quarantined again under its current reason (the dedupe key is its raw JSON).
  if (withoutId.length > 0) {
    validate(withoutId.map((e) => e.raw as RawRecord));
    const fixedRaw = withoutId.filter((e) => spec.map(e.raw as RawRecord).ok);
    deps.quarantine.markResolved(
      fixedRaw.map((e) => e.id),
      deps.clock.nowMs(),
    );
  }
  result.retried += entries.length;
}

export async function retryQuarantine(
  deps: {
    db: Database.Database;
    clients: { services: ServiceNowClient; usage: ServiceNowClient };
    cache: CacheRepository;
    clock: Clock;
  },
  config: EmpreinteConfig,
  filter: Omit<QuarantineFilter, "limit" | "offset" | "includeResolved">,
  fencingToken: number,
): Promise<RetryQuarantineResult> {
  const quarantine = new QuarantineRepository(deps.db);
  const result: RetryQuarantineResult = { retried: 0, fixed: 0, stillBad: 0, gone: 0 };
  const streams: StreamName[] = filter.stream ? [filter.stream] : ["services", "usage"];
  for (const stream of streams) {
    const entries = [...quarantine.entries({ ...filter, stream })];
    if (entries.length === 0) continue;
    const common = { cache: deps.cache, quarantine, clock: deps.clock };
    if (stream === "services") {
      await retryStream(
        serviceStream(config),
        entries,
        { ...common, client: deps.clients.services },
        fencingToken,
        result,
      );
    } else {
      await retryStream(usageStream(config), entries, { ...common, client: deps.clients.usage }, fencingToken, result);
    }
  }
  return result;
}

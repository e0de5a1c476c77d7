// The two streams the connector pulls, bound to the configuration: which table, which filter, which columns, and
// how a raw record becomes a cached row.
import type { EmpreinteConfig } from "../config/config-schema.js";
import type { Service } from "../domain/service.js";
import type { UsageMonth } from "../domain/usage-month.js";
import type { ServiceRow, UsageRow } from "../store/cache-repository.js";
import { mapServiceRecord, type ServiceMapping, serviceColumns } from "./map-service-record.js";
import { mapUsageRecord, usageColumns } from "./map-usage-record.js";
import type { StreamSpec } from "./pull-stream.js";

export function serviceMapping(config: EmpreinteConfig): ServiceMapping {
  return {
    fields: config.catalogue.fields,
    retiredStatuses: config.catalogue.retiredStatuses,
    ownedColumns: Object.values(config.owned),
  };
}

export function serviceStream(config: EmpreinteConfig): StreamSpec<Service, ServiceRow> {
  const mapping = serviceMapping(config);
  return {
    stream: "services",
    table: config.catalogue.table,
    baseQuery: config.catalogue.query,
    fields: serviceColumns(mapping),
    pageSize: config.catalogue.pageSize,
    lookbackS: config.catalogue.lookbackS,
    windowProbe: config.catalogue.windowProbe,
    map: (raw) => mapServiceRecord(raw, mapping),
    row: (service, raw) => ({ service, raw }),
    commit: (cache, page) => cache.commitPage("services", page),
  };
}

export function usageStream(config: EmpreinteConfig): StreamSpec<UsageMonth, UsageRow> {
  return {
    stream: "usage",
    table: config.usage.table,
    baseQuery: config.usage.query,
    fields: usageColumns(config.usage.fields),
    pageSize: config.usage.pageSize,
    lookbackS: config.usage.lookbackS,
    windowProbe: config.usage.windowProbe,
    map: (raw) => mapUsageRecord(raw, config.usage.fields),
    row: (usage, raw) => ({ usage, raw }),
    commit: (cache, page) => cache.commitPage("usage", page),
  };
}

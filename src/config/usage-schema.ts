// Where the monthly usage metrics are read from and which column holds each metric (DESIGN.md §3 "Default schema").
import { z } from "zod";
import { baseQuery, columnName, lookbackS, pageSize, tableName, windowProbe } from "./config-scalars.js";
import { DEFAULT_INSTANCE_NAME } from "./default-instance-name.js";

function metric(column: string, what: string) {
  return columnName
    .nullable()
    .default(column)
    .describe(`Column holding ${what}; null if the table has none (the method's default is used).`);
}

export const UsageFields = z
  .strictObject({
    service: columnName.default("u_service").describe("Column referencing the catalogue record (a reference field)."),
    period: columnName.default("u_period").describe("Column holding the first day of the month the row covers."),
    visits: metric("u_visits", "the visits of the month"),
    pageViews: metric("u_page_views", "the page views of the month"),
    transactions: metric("u_transactions", "the completed transactions of the month"),
    dataGb: metric("u_data_gb", "the data transferred in GB"),
    avgSessionMin: metric("u_avg_session_min", "the average session length in minutes"),
    mobileShare: metric("u_mobile_share", "the share 0-1 of visits from mobile devices"),
  })
  .describe("Column of the usage table for each metric the connector reads.");
export type UsageFields = z.infer<typeof UsageFields>;

export const UsageConfig = z
  .strictObject({
    instance: z
      .string()
      .min(1)
      .default(DEFAULT_INSTANCE_NAME)
      .describe("Name of the instance (under `instances`) that holds the usage table."),
    table: tableName("u_digital_service_usage").describe("Usage table: one row per service and month."),
    query: baseQuery.describe("Encoded query selecting the usage rows to read; empty for all. No ORDERBY, no ^NQ."),
    pageSize: pageSize(),
    lookbackS: lookbackS(),
    windowProbe: windowProbe(),
    fields: UsageFields.prefault({}),
  })
  .describe("The monthly usage metrics of each service.");
export type UsageConfig = z.infer<typeof UsageConfig>;

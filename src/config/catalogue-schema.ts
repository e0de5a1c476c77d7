// Where the service catalogue is read from and which column holds each input (DESIGN.md §3 "Default schema").
import { z } from "zod";
import { baseQuery, columnName, lookbackS, pageSize, tableName, windowProbe } from "./config-scalars.js";
import { DEFAULT_INSTANCE_NAME } from "./default-instance-name.js";

/** A required mapping: the column must exist. */
function required(column: string, what: string) {
  return columnName.default(column).describe(`Column holding ${what}.`);
}

/** An optional mapping: `null` when the instance has no such column (the estimate then uses the method's default). */
function optional(column: string, what: string) {
  return columnName
    .nullable()
    .default(column)
    .describe(`Column holding ${what}; null if the instance has none (the method's default is used).`);
}

export const CatalogueFields = z
  .strictObject({
    name: required("name", "the service name"),
    operationalStatus: required("operational_status", "the operational status (its retired values: retiredStatuses)"),
    // The misspelling is the platform's own column name.
    criticality: optional(
      "busines_criticality",
      "the business criticality (the platform spells it busines_criticality)",
    ),
    ownedBy: optional("owned_by", "the owner (reference to sys_user)"),
    supportGroup: optional("support_group", "the support group (reference to sys_user_group)"),
    domain: optional("u_domain", "the public-service domain (e.g. Mobility, Culture)"),
    hostingMode: optional("u_hosting_mode", "the hosting mode: vcpu, server or unknown"),
    vcpus: optional("u_vcpu_count", "the number of vCPUs (hosting mode vcpu)"),
    ramGb: optional("u_ram_gb", "the memory in GB"),
    ssdTb: optional("u_ssd_tb", "the SSD storage in TB"),
    hddTb: optional("u_hdd_tb", "the HDD storage in TB"),
    servers: optional("u_server_count", "the number of physical servers (hosting mode server)"),
    pue: optional("u_pue", "the data centre's power usage effectiveness"),
    cpuUtilization: optional("u_cpu_utilization", "the average CPU utilisation as a ratio 0-1"),
    shareOfHost: optional("u_host_share", "the share 0-1 of a shared host attributed to the service"),
    hostCountry: optional("u_host_country", "the hosting country (ISO 3166 alpha-3, e.g. FRA)"),
  })
  .describe("Column of the catalogue table for each input the connector reads.");
export type CatalogueFields = z.infer<typeof CatalogueFields>;

export const CatalogueConfig = z
  .strictObject({
    instance: z
      .string()
      .min(1)
      .default(DEFAULT_INSTANCE_NAME)
      .describe("Name of the instance (under `instances`) that holds the catalogue."),
    table: tableName("cmdb_ci_service").describe(
      "Catalogue table. Records of its child classes (e.g. cmdb_ci_service_business) are included.",
    ),
    query: baseQuery.describe(
      'Encoded query selecting the services to follow, e.g. "u_domainISNOTEMPTY"; empty for all. No ORDERBY, no ^NQ.',
    ),
    pageSize: pageSize(),
    lookbackS: lookbackS(),
    windowProbe: windowProbe(),
    fields: CatalogueFields.prefault({}),
    retiredStatuses: z
      .array(z.string().min(1))
      .min(1)
      .default(["6"])
      .describe('Values of the operational-status column that mean retired ("6" = Retired on the platform).'),
  })
  .describe("The service catalogue: where the services are read and where the footprint fields are written.");
export type CatalogueConfig = z.infer<typeof CatalogueConfig>;

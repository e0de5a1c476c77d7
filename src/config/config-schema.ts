// The configuration file of empreinte (DESIGN.md §2), as one zod schema: the source of the type, of validation with
// every problem listed, and of the JSON Schema editors use (config/empreinte.schema.json). Nearly everything has a
// default, so an empty file plus SN_INSTANCE_URL/SN_USERNAME/SN_PASSWORD is a valid configuration.
import { z } from "zod";
import { CatalogueConfig } from "./catalogue-schema.js";
import { entryName, numeric } from "./config-scalars.js";
import { InstanceConfig } from "./instance-schema.js";
import { JobConfig } from "./job-schema.js";
import { OwnedFields } from "./owned-fields-schema.js";
import { isRecord } from "./plain-record.js";
import { UsageConfig } from "./usage-schema.js";

export const SyncConfig = z
  .strictObject({
    fullReconcileEveryNRuns: numeric(z.int().min(0).default(7)).describe(
      "Every Nth run also scans all sys_ids to find deleted records (as `--full` does). 0: only with --full.",
    ),
    pushMode: z
      .enum(["patch", "batch"])
      .default("patch")
      .describe("How footprint fields are written: one Table API PATCH per record, or grouped through the Batch API."),
    batchSize: numeric(z.int().min(1).max(1000).default(50)).describe(
      "At most this many records per Batch API request when pushMode is batch (spread evenly over maxConcurrent requests in flight).",
    ),
    leaseTtlS: numeric(z.int().min(10).max(86_400).default(600)).describe(
      "Seconds a run's lease on the database lasts unless renewed; a crashed run's lease can be taken over after this.",
    ),
  })
  .describe("How runs pull, reconcile and push.");
export type SyncConfig = z.infer<typeof SyncConfig>;

export const EstimationConfig = z
  .strictObject({
    factorSet: z
      .string()
      .min(1)
      .default("fr-2024")
      .describe("Id of the emission factor set (carbon-model.md §1). Stored with every estimate."),
    underusedVisitsPerMonth: numeric(z.number().min(0).default(100)).describe(
      "A service whose mean monthly visits over the year are below this is flagged underused (carbon-model.md §5).",
    ),
    // Kept loose until the estimation layer defines its factor file format.
    factorOverrides: z
      .union([z.string().min(1), z.record(z.string(), z.unknown())])
      .optional()
      .describe("Factors replacing those of the set: a path to a factor file, or factor name → value inline."),
  })
  .describe("The carbon estimation method's settings.");
export type EstimationConfig = z.infer<typeof EstimationConfig>;

export const ReportConfig = z
  .strictObject({
    population: numeric(z.int().min(1).optional()).describe(
      "Inhabitants of the territory, to show the footprint per inhabitant (e.g. 850000).",
    ),
    language: z.enum(["fr", "en"]).default("fr").describe("Language of the CIO report."),
  })
  .describe("The CIO report (`empreinte report`).");
export type ReportConfig = z.infer<typeof ReportConfig>;

export const DatabaseConfig = z
  .strictObject({
    path: z
      .string()
      .min(1)
      .default("./empreinte.db")
      .describe("SQLite file of the local cache, relative to the working directory (environment: EMPREINTE_DB)."),
    busyTimeoutMs: numeric(z.int().min(0).max(600_000).default(5000)).describe(
      "How long a statement waits for a lock held by another process before failing, in milliseconds.",
    ),
  })
  .describe("The local SQLite cache.");
export type DatabaseConfig = z.infer<typeof DatabaseConfig>;

/** Cross-field rules. Run even when fields failed (`when`), so every problem is listed at once; read defensively. */
function checkReferences(config: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const instances = isRecord(config.instances) ? Object.keys(config.instances) : [];
  if (instances.length === 0) {
    ctx.addIssue({
      code: "custom",
      path: ["instances"],
      message:
        "no instance configured: set SN_INSTANCE_URL with SN_USERNAME and SN_PASSWORD (or SN_CLIENT_ID and SN_CLIENT_SECRET), or declare one under instances",
    });
  } else {
    for (const section of ["catalogue", "usage"] as const) {
      const block = config[section];
      const name = isRecord(block) ? block.instance : undefined;
      if (typeof name === "string" && !instances.includes(name)) {
        ctx.addIssue({
          code: "custom",
          path: [section, "instance"],
          message: `no instance named "${name}" under instances (declared: ${instances.join(", ")}): name one of them`,
        });
      }
    }
  }

  const owned = config.owned;
  const catalogue = config.catalogue;
  if (!isRecord(owned)) return;
  const inputs = new Map<string, string>();
  if (isRecord(catalogue) && isRecord(catalogue.fields)) {
    for (const [field, column] of Object.entries(catalogue.fields)) {
      if (typeof column === "string") inputs.set(column, field);
    }
  }
  const seen = new Map<string, string>();
  for (const [field, column] of Object.entries(owned)) {
    if (typeof column !== "string") continue;
    const other = seen.get(column);
    if (other !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["owned", field],
        message: `column ${column} is already owned.${other}: give each footprint value its own column`,
      });
    }
    seen.set(column, field);
    const input = inputs.get(column);
    if (input !== undefined) {
      // Writing into a column we also read would make each estimate feed the next one.
      ctx.addIssue({
        code: "custom",
        path: ["owned", field],
        message: `column ${column} is also read as catalogue.fields.${input}: the connector would overwrite its own input; use another column`,
      });
    }
  }
}

export const EmpreinteConfig = z
  .strictObject({
    instances: z
      .record(entryName, InstanceConfig)
      .default({})
      .describe(
        'ServiceNow-compatible instances by name. The environment variables SN_* describe the one named "default" (or the one catalogue.instance names).',
      ),
    catalogue: CatalogueConfig.prefault({}),
    usage: UsageConfig.prefault({}),
    owned: OwnedFields.prefault({}),
    sync: SyncConfig.prefault({}),
    estimation: EstimationConfig.prefault({}),
    report: ReportConfig.prefault({}),
    jobs: z
      .record(entryName, JobConfig)
      .default({})
      .describe("Scheduled jobs of `empreinte daemon` by name, e.g. nightly."),
    database: DatabaseConfig.prefault({}),
  })
  .superRefine((config, ctx) => checkReferences(config, ctx), { when: () => true })
  .describe("Configuration of empreinte, the carbon footprint connector for ServiceNow-compatible instances.");
export type EmpreinteConfig = z.infer<typeof EmpreinteConfig>;
export type EmpreinteConfigInput = z.input<typeof EmpreinteConfig>;

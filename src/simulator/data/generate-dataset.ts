// The dev instance's seeded data (DESIGN.md §3 "Deterministic seeded data"): a metropolitan catalogue of digital
// public services with owners, support groups, hosting declarations and monthly usage.
//
// Guarantees:
// - PURE: the records are a function of (seed, services, months, anchorMonth) only — no clock, no Math.random.
// - PREFIX-STABLE: service i, and its usage rows, do not depend on how many services are generated: the first
//   1,600 services of a 100,000-service dataset are byte-identical to a 1,600-service dataset, and so are their
//   usage rows (same sys_ids, values and timestamps: a period's import bursts are assigned in service order).
//   Users and groups are a fixed directory (400 users, 30 groups) whatever the size.
// - STREAMING: each table is a generator function (call it again for another pass); nothing holds all services
//   or all usage rows. The only state is the directory (430 records) and the shared-host pool (24 entries).
// - DATED BEFORE THE ANCHOR: every sys_created_on / sys_updated_on is strictly before the first instant (UTC)
//   of `anchorMonth`; usage covers the `months` complete months before it.
import type { SimRecord } from "../schema/types.js";
import { datasetContext } from "./dataset-context.js";
import { buildDirectory, type Directory } from "./directory.js";
import { formatUtcDate } from "./format-values.js";
import { sharedHostPool } from "./service-hosting.js";
import { SERVICE_CLASS, serviceRecord } from "./service-record.js";
import { USAGE_TABLE, usageRecords } from "./usage-records.js";

export interface DatasetOptions {
  /** Any safe integer; different seeds give different catalogues. */
  seed: number;
  /** Number of catalogue services (the reference authority has about 1,600). */
  services: number;
  /** Number of monthly usage periods, ending with the month before `anchorMonth`. */
  months: number;
  /** "YYYY-MM": the month the instance starts in (see defaultAnchorMonth). Nothing is dated in or after it. */
  anchorMonth: string;
}

/**
 * The reference user's size (DESIGN.md): ~1,600 services, 24 months of usage; the anchor month is the caller's
 * (usually defaultAnchorMonth(now)).
 */
export const DEFAULT_DATASET_OPTIONS = { seed: 1, services: 1600, months: 24 } as const;

export interface DatasetTable {
  /** Table the records are inserted into (their `sys_class_name` may be a child class). */
  table: string;
  records: () => Iterable<SimRecord>;
}

/** Each table is a generator function: every call starts a fresh, lazy pass over the same records. */
export interface Dataset {
  users: () => Iterable<SimRecord>;
  groups: () => Iterable<SimRecord>;
  /** Records of class `cmdb_ci_service_business`, to insert into that table (visible from `cmdb_ci_service`). */
  services: () => Iterable<SimRecord>;
  usage: () => Iterable<SimRecord>;
  /** The four tables in insertion order (referenced records first). */
  tables: readonly DatasetTable[];
  /** The usage periods, oldest first, as stored in `u_period` ("YYYY-MM-01"). */
  periods: readonly string[];
}

function checkOptions(options: DatasetOptions): void {
  if (!Number.isSafeInteger(options.seed)) throw new RangeError(`seed must be a safe integer, got ${options.seed}`);
  if (!Number.isSafeInteger(options.services) || options.services < 0 || options.services >= 2 ** 32) {
    throw new RangeError(`services must be an integer from 0 to 2^32-1, got ${options.services}`);
  }
  if (!Number.isSafeInteger(options.months) || options.months < 0 || options.months > 1200) {
    throw new RangeError(`months must be an integer from 0 to 1200, got ${options.months}`);
  }
}

export function generateDataset(options: DatasetOptions): Dataset {
  checkOptions(options);
  const serviceCount = options.services;
  const ctx = datasetContext(options.seed, options.months, options.anchorMonth);
  let directory: Directory | undefined;
  const getDirectory = (): Directory => {
    directory ??= buildDirectory(ctx);
    return directory;
  };
  const pool = sharedHostPool(options.seed);

  // Copies, so that a consumer editing a record it was given cannot change what the next pass yields.
  function* users(): Generator<SimRecord> {
    for (const record of getDirectory().users) yield { ...record };
  }
  function* groups(): Generator<SimRecord> {
    for (const record of getDirectory().groups) yield { ...record };
  }
  function* services(): Generator<SimRecord> {
    const dir = getDirectory();
    for (let i = 0; i < serviceCount; i++) yield serviceRecord(ctx, dir, pool, i);
  }
  const usage = (): Generator<SimRecord> => usageRecords(ctx, serviceCount);

  return {
    users,
    groups,
    services,
    usage,
    tables: [
      { table: "sys_user", records: users },
      { table: "sys_user_group", records: groups },
      { table: SERVICE_CLASS, records: services },
      { table: USAGE_TABLE, records: usage },
    ],
    periods: Array.from({ length: options.months }, (_, m) => formatUtcDate(ctx.window.periodStartMs(m))),
  };
}

export { defaultAnchorMonth } from "./default-anchor-month.js";

// The seeded `u_digital_service_usage` rows, month by month as the analytics import loads them: the row of
// period P is created on P's last day from 02:00 UTC, in bursts of 40-200 rows sharing one second, one burst
// every 60-120 s, so that keyset paging on (sys_updated_on, sys_id) meets ties that cross page boundaries
// (servicenow-api.md §6.1), while a 5-minute lookback window holds a few bursts (a few hundred rows), not a whole
// month: a no-change incremental pull stays one request per table. 100,000 services still fit in the day.
// Rows are produced one at a time; the only state is the current burst.
//
// Values (carbon-model.md §2 inputs): visits follow the service's median × seasonality × growth × noise;
// page views 1-8 per visit; data = page views × page weight (0.5-4 MB); transactions only for transactional
// services (else ""); session 0.5-15 min; mobile share 0.3-0.9. Optional metrics are "" when the service's
// analytics do not provide them, and in ~2% of rows at random (a gap in the feed).
import type { SimRecord } from "../schema/types.js";
import type { DatasetContext } from "./dataset-context.js";
import { deterministicSysId } from "./deterministic-sys-id.js";
import { formatDecimal, formatInteger, formatUtcDate, formatUtcDateTime } from "./format-values.js";
import { SEASONALITY } from "./seasonality.js";
import { USAGE_IMPORT_AUTHOR } from "./seed-authors.js";
import { SeededRandom } from "./seeded-random.js";
import { type ServiceProfile, serviceProfile } from "./service-profile.js";
import { StreamTag } from "./stream-key.js";
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_SECOND } from "./time-units.js";

export const USAGE_TABLE = "u_digital_service_usage";

/** The import starts at 02:00 on the period's last day and never runs past 23:59:59. */
const IMPORT_START_MS = 2 * MS_PER_HOUR;
const IMPORT_LAST_SECOND = 22 * 3600 - 1;

/** Share of rows an analyst corrects a few days after the import (sys_mod_count 1). */
const CORRECTION_SHARE = 0.003;

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** The usage row of service `profile` for period `m` (stored as `period`), created at `createdMs`. */
function usageRecord(
  ctx: DatasetContext,
  profile: ServiceProfile,
  m: number,
  period: string,
  createdMs: number,
): SimRecord {
  const rng = SeededRandom.forStream(ctx.seed, StreamTag.usage, profile.index, m);
  const season = SEASONALITY[profile.season][ctx.window.calendarMonth(m)] ?? 1;
  const growth = (1 + profile.growthPerYear) ** (m / 12);
  const noise = Math.exp(0.15 * rng.normal());
  const visits = m >= profile.zeroFromMonth ? 0 : Math.round(profile.baseVisits * season * growth * noise);

  const transactions = profile.transactional
    ? formatInteger(visits * profile.conversion * Math.exp(0.1 * rng.normal()))
    : "";
  // No visit, no session: page views and data are zero, session length and device mix are undefined.
  let pageViews = "0";
  let dataGb = "0";
  let sessionMin = "";
  let mobileShare = "";
  if (visits > 0) {
    const views = Math.round(visits * clamp(profile.pageViewsPerVisit * Math.exp(0.08 * rng.normal()), 1, 8));
    pageViews = formatInteger(views);
    // Page weight varies a little month to month but stays within 0.5-4 MB (API responses are lighter).
    const mbPerPage = clamp(
      profile.pageWeightMb * Math.exp(0.05 * rng.normal()),
      Math.min(0.5, profile.pageWeightMb),
      4,
    );
    dataGb = formatDecimal((views * mbPerPage) / 1000, 3);
    sessionMin = formatDecimal(clamp(profile.sessionMin * Math.exp(0.1 * rng.normal()), 0.5, 15), 2);
    mobileShare = formatDecimal(clamp(profile.mobileShare + 0.03 * rng.normal(), 0.3, 0.9), 2);
    if (profile.coverage !== "full") {
      sessionMin = "";
      mobileShare = "";
      if (profile.coverage === "visitsOnly") {
        pageViews = "";
        dataGb = "";
      }
    }
    if (rng.chance(0.02)) {
      const gap = rng.int(0, 3);
      if (gap === 0) pageViews = "";
      else if (gap === 1) dataGb = "";
      else if (gap === 2) sessionMin = "";
      else mobileShare = "";
    }
  }

  let updatedMs = createdMs;
  let modCount = "0";
  // Corrections land within ten days, i.e. before the next import; never on the last period (nothing may be
  // dated in the anchor month).
  if (m < ctx.months - 1 && rng.chance(CORRECTION_SHARE)) {
    updatedMs = createdMs + rng.int(1, 10) * MS_PER_DAY + rng.int(0, 8 * 3600) * MS_PER_SECOND;
    modCount = "1";
  }
  const createdOn = formatUtcDateTime(createdMs);
  // One object literal with every column (no spreads): this runs millions of times.
  return {
    sys_id: deterministicSysId(ctx.seed, StreamTag.usageId, profile.index, m),
    sys_class_name: USAGE_TABLE,
    sys_created_on: createdOn,
    sys_created_by: USAGE_IMPORT_AUTHOR,
    sys_updated_on: updatedMs === createdMs ? createdOn : formatUtcDateTime(updatedMs),
    sys_updated_by: USAGE_IMPORT_AUTHOR,
    sys_mod_count: modCount,
    u_service: profile.sysId,
    u_period: period,
    u_visits: formatInteger(visits),
    u_page_views: pageViews,
    u_transactions: transactions,
    u_data_gb: dataGb,
    u_avg_session_min: sessionMin,
    u_mobile_share: mobileShare,
  };
}

/** Every usage row, period by period, services in index order within a period. */
export function* usageRecords(ctx: DatasetContext, services: number): Generator<SimRecord> {
  for (let m = 0; m < ctx.months; m++) {
    const period = formatUtcDate(ctx.window.periodStartMs(m));
    const importStartMs = ctx.window.periodStartMs(m + 1) - MS_PER_DAY + IMPORT_START_MS;
    let burst = 0;
    let burstRng = SeededRandom.forStream(ctx.seed, StreamTag.usageBurst, m, burst);
    let left = burstRng.int(40, 200);
    let second = 0;
    for (let i = 0; i < services; i++) {
      const profile = serviceProfile(ctx, i);
      if (m < profile.firstMonth || m > profile.lastMonth) continue;
      if (left === 0) {
        burst += 1;
        burstRng = SeededRandom.forStream(ctx.seed, StreamTag.usageBurst, m, burst);
        left = burstRng.int(40, 200);
        second += burstRng.int(60, 120);
      }
      left -= 1;
      yield usageRecord(ctx, profile, m, period, importStartMs + Math.min(second, IMPORT_LAST_SECOND) * MS_PER_SECOND);
    }
  }
}

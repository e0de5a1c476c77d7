// Everything about service i that its usage rows depend on, derived from (seed, i, months) alone. The usage
// generator recomputes it for every row rather than keeping one per service: it costs about a microsecond and
// keeps memory flat however large the catalogue (DESIGN.md §4 "memory stays flat").
//
// Lifecycles and their shares (of non-flagship services; carbon-model.md §5 gives the usage-status rules):
// - noData 3%: no usage row at all (analytics never connected, or a service not yet launched);
// - retired 3%: operational_status 6 / install_status 7, usage rows stop 3+ months before the end;
// - unused 5%: rows to the end, but 0 visits in (at least) the last 3 months;
// - underused 10%: median below 100 visits a month (3-70);
// - used 79%: log-normal around the kind's median, at least ~160 a month; 7% of them launched mid-window.
import { COMMUNES } from "./communes.js";
import type { DatasetContext } from "./dataset-context.js";
import { deterministicSysId } from "./deterministic-sys-id.js";
import type { SeasonKey } from "./seasonality.js";
import { SeededRandom } from "./seeded-random.js";
import {
  CHANNELS,
  type ChannelKey,
  DOMAINS,
  type Domain,
  FLAGSHIPS,
  type FlagshipService,
  type ServiceKind,
} from "./service-catalogue.js";
import { StreamTag } from "./stream-key.js";

export type Lifecycle = "used" | "underused" | "unused" | "retired" | "noData";

/** Which optional usage metrics the service's analytics provide. */
export type MetricsCoverage = "full" | "visitsOnly" | "noDevice";

export interface ServiceProfile {
  index: number;
  sysId: string;
  domain: Domain;
  /** Set for the first FLAGSHIPS.length services. */
  flagship: FlagshipService | undefined;
  /** Kind, channel and scope of a generated (non-flagship) service. */
  kind: ServiceKind | undefined;
  channel: ChannelKey | undefined;
  communeIndex: number | undefined;
  variant: string;
  /** Catalogue cycle (0 first pass; ≥ 1 adds " – lot N" to the name). */
  cycle: number;
  lifecycle: Lifecycle;
  /** First period (0-based) with a usage row. */
  firstMonth: number;
  /** Last period with a usage row; < firstMonth when the service has none. */
  lastMonth: number;
  /** Visits are 0 from this period on (unused services), else Infinity. */
  zeroFromMonth: number;
  /** Median visits per month at the start of the window, before seasonality. */
  baseVisits: number;
  growthPerYear: number;
  season: SeasonKey;
  transactional: boolean;
  /** Transactions per visit. */
  conversion: number;
  pageViewsPerVisit: number;
  pageWeightMb: number;
  sessionMin: number;
  mobileShare: number;
  coverage: MetricsCoverage;
}

const DOMAIN_BY_KEY = new Map(DOMAINS.map((d) => [d.key, d]));

/** Population of a commune relative to 30,000 inhabitants, damped: small communes still have some users. */
function communeFactor(communeIndex: number): number {
  const population = COMMUNES[communeIndex]?.population ?? 30_000;
  return (population / 30_000) ** 0.85;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

export function serviceProfile(ctx: DatasetContext, index: number): ServiceProfile {
  const rng = SeededRandom.forStream(ctx.seed, StreamTag.serviceProfile, index);
  const sysId = deterministicSysId(ctx.seed, StreamTag.serviceId, index);
  const last = ctx.months - 1;
  const flagship = FLAGSHIPS[index];
  if (flagship) {
    const domain = DOMAIN_BY_KEY.get(flagship.domainKey);
    if (!domain) throw new Error(`flagship ${flagship.name} names unknown domain ${flagship.domainKey}`);
    return {
      index,
      sysId,
      domain,
      flagship,
      kind: undefined,
      channel: undefined,
      communeIndex: undefined,
      variant: "",
      cycle: 0,
      lifecycle: "used",
      firstMonth: 0,
      lastMonth: last,
      zeroFromMonth: Number.POSITIVE_INFINITY,
      baseVisits: rng.logNormal(flagship.medianVisits, 0.1),
      growthPerYear: rng.between(0.02, 0.12),
      season: domain.season,
      transactional: flagship.transactional,
      conversion: rng.between(0.05, 0.3),
      pageViewsPerVisit: rng.between(2, 5),
      pageWeightMb: rng.between(1.2, 3.5),
      sessionMin: rng.between(2, 6),
      mobileShare: flagship.mobileShare,
      coverage: "full",
    };
  }

  const combination = ctx.permutation.combination(index - FLAGSHIPS.length);
  const { kind, channel: channelKey } = combination;
  const channel = CHANNELS[channelKey];

  const draw = rng.float();
  const lifecycle: Lifecycle =
    draw < 0.03 ? "noData" : draw < 0.06 ? "retired" : draw < 0.11 ? "unused" : draw < 0.21 ? "underused" : "used";

  let firstMonth = 0;
  let lastMonth = last;
  let zeroFromMonth = Number.POSITIVE_INFINITY;
  const lateLaunch = rng.chance(0.07);
  if (lifecycle === "noData") {
    lastMonth = -1;
  } else if (lifecycle === "retired") {
    // Usage stops at least 3 months before the end; with fewer than 4 months there is no room for any row.
    lastMonth = last >= 3 ? rng.int(0, last - 3) : -1;
  } else if (lifecycle === "unused") {
    zeroFromMonth = ctx.months - rng.int(3, Math.max(3, Math.min(9, ctx.months)));
  } else if (lateLaunch && ctx.months > 1) {
    firstMonth = rng.int(1, last);
  }

  const scopeFactor =
    combination.communeIndex !== undefined
      ? communeFactor(combination.communeIndex)
      : combination.variant === ""
        ? 1
        : 0.3;
  const typicalVisits = kind.medianVisits * channel.visitsFactor * scopeFactor;
  let baseVisits: number;
  if (lifecycle === "underused") {
    baseVisits = Math.exp(rng.between(Math.log(3), Math.log(70)));
  } else if (lifecycle === "unused") {
    baseVisits = rng.logNormal(40, 0.8);
  } else {
    baseVisits = rng.logNormal(typicalVisits, 1.0);
    // "Used" means well above the underused threshold (100/month); the rest of the tail is untouched.
    if (baseVisits < 160) baseVisits = 160 * (1 + rng.float());
  }

  const transactional = channel.transactional === "inherit" ? kind.transactional : channel.transactional;
  const api = channelKey === "A";
  const backOffice = channelKey === "O";
  const coverageDraw = rng.float();
  return {
    index,
    sysId,
    domain: combination.domain,
    flagship: undefined,
    kind,
    channel: channelKey,
    communeIndex: combination.communeIndex,
    variant: combination.variant,
    cycle: combination.cycle,
    lifecycle,
    firstMonth,
    lastMonth,
    zeroFromMonth,
    baseVisits,
    growthPerYear: clamp(0.04 + 0.08 * rng.normal(), -0.15, 0.3),
    season: kind.season ?? combination.domain.season,
    transactional,
    conversion: channelKey === "T" ? rng.between(0.3, 0.8) : rng.between(0.05, 0.6),
    // API clients fetch one resource per "visit"; portals show a few pages (1-8, skewed low).
    pageViewsPerVisit: api ? rng.between(1, 1.5) : 1 + 5 * rng.float() ** 2,
    // Page weight 0.5-4 MB, log-uniform; API responses are light.
    pageWeightMb: api ? rng.between(0.02, 0.3) : Math.exp(rng.between(Math.log(0.5), Math.log(4))),
    sessionMin: api ? rng.between(0.5, 1) : backOffice ? rng.between(5, 15) : clamp(rng.logNormal(3, 0.5), 0.5, 15),
    mobileShare: clamp(channel.mobileShare + 0.05 * rng.normal(), 0.3, 0.9),
    coverage: coverageDraw < 0.85 ? "full" : coverageDraw < 0.92 ? "visitsOnly" : "noDevice",
  };
}

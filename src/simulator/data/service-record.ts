// One seeded catalogue record: class `cmdb_ci_service_business`, every column of the default schema set (empty
// ones as ""), the owned footprint columns empty. A pure function of (seed, index, months, anchor).
import type { SimRecord } from "../schema/types.js";
import { COMMUNES, METROPOLE_NAME } from "./communes.js";
import type { DatasetContext } from "./dataset-context.js";
import { type Directory, IT_STAFF_COUNT, USER_COUNT } from "./directory.js";
import { formatUtcDateTime } from "./format-values.js";
import { laterEditMs, secondsMs } from "./later-edit-ms.js";
import { ADMIN_AUTHOR } from "./seed-authors.js";
import { SeededRandom } from "./seeded-random.js";
import { CHANNELS } from "./service-catalogue.js";
import { drawHostingMode, hostingColumns, type SharedHost } from "./service-hosting.js";
import { type ServiceProfile, serviceProfile } from "./service-profile.js";
import { StreamTag } from "./stream-key.js";
import { GROUP_INDEX, SUPPORT_GROUPS } from "./support-groups.js";
import { MS_PER_DAY, MS_PER_SECOND } from "./time-units.js";

export const SERVICE_CLASS = "cmdb_ci_service_business";

/** Services created by the initial CMDB load share a second in groups of about 55 (keyset ties). */
const IMPORT_SERVICES_PER_SECOND = 100;

const CRITICALITY = ["1 - most critical", "2 - somewhat critical", "3 - less critical", "4 - not critical"] as const;

export function serviceName(profile: ServiceProfile): string {
  if (profile.flagship) return profile.flagship.name;
  const kind = profile.kind?.label ?? "";
  const channel = profile.channel ? CHANNELS[profile.channel].label : "";
  const scope =
    profile.communeIndex !== undefined
      ? ` – ${COMMUNES[profile.communeIndex]?.name ?? ""}`
      : profile.variant
        ? ` – ${profile.variant}`
        : "";
  const lot = profile.cycle > 0 ? ` – lot ${profile.cycle + 1}` : "";
  return `${kind}${scope} (${channel})${lot}`;
}

function shortDescription(profile: ServiceProfile): string {
  if (profile.flagship) return profile.flagship.description;
  const kind = profile.kind;
  const phrase = profile.channel ? CHANNELS[profile.channel].phrase : "";
  if (!kind) return "";
  if (profile.communeIndex !== undefined) {
    return `${kind.label} pour les habitants de ${COMMUNES[profile.communeIndex]?.name ?? ""}, ${phrase}.`;
  }
  if (kind.scope === "internal") {
    return `${kind.label} pour les agents${profile.variant ? ` (${profile.variant})` : ""}, ${phrase}.`;
  }
  if (profile.variant) return `${kind.label} – espace ${profile.variant}, ${phrase}.`;
  return `${kind.label} pour tout le territoire de ${METROPOLE_NAME}, ${phrase}.`;
}

function supportGroupIndex(rng: SeededRandom, profile: ServiceProfile, hostingMode: string): number {
  const candidates: Array<[number, number]> = [[GROUP_INDEX.applicationsMetier, 20]];
  const specialists = SUPPORT_GROUPS.flatMap((g, i) => (g.domains.includes(profile.domain.key) ? [i] : []));
  for (const g of specialists) candidates.push([g, 50 / specialists.length]);
  if (profile.communeIndex !== undefined) {
    candidates.push([profile.communeIndex === 0 ? GROUP_INDEX.centralCity : GROUP_INDEX.mutualisedCommunes, 25]);
  }
  if (hostingMode === "server") candidates.push([GROUP_INDEX.hostingContractor, 8]);
  if (hostingMode === "unknown") candidates.push([GROUP_INDEX.saasVendors, 12]);
  return rng.weighted(candidates);
}

function statuses(rng: SeededRandom, profile: ServiceProfile, notYetLaunched: boolean): [string, string] {
  if (profile.lifecycle === "retired") return ["6", "7"];
  if (notYetLaunched) return ["5", "4"]; // Ready / Pending Install
  return rng.weighted<[string, string]>([
    [["1", "1"], 97.5],
    [["2", "1"], 1.5], // Non-Operational
    [["3", "3"], 0.5], // Repair in Progress / In Maintenance
    [["4", "1"], 0.5], // DR Standby
  ]);
}

function criticality(rng: SeededRandom, profile: ServiceProfile): string {
  if (profile.flagship) return CRITICALITY[profile.flagship.criticality - 1] ?? CRITICALITY[1];
  const level =
    profile.baseVisits > 20_000
      ? rng.int(1, 2)
      : rng.weighted([
          [1, 6],
          [2, 20],
          [3, 40],
          [4, 34],
        ]);
  return CRITICALITY[level - 1] ?? CRITICALITY[2];
}

function secondIn(rng: SeededRandom, fromMs: number, toMs: number): number {
  return secondsMs(fromMs + rng.float() * Math.max(0, toMs - fromMs));
}

export function serviceRecord(
  ctx: DatasetContext,
  directory: Directory,
  pool: readonly SharedHost[],
  index: number,
): SimRecord {
  const profile = serviceProfile(ctx, index);
  const rng = SeededRandom.forStream(ctx.seed, StreamTag.serviceDetails, index);
  const hostingRng = SeededRandom.forStream(ctx.seed, StreamTag.serviceHosting, index);
  const hostingMode = profile.flagship?.hosting ?? drawHostingMode(hostingRng);
  const hosting = hostingColumns(hostingRng, hostingMode, pool);

  const window = ctx.window;
  const anchorMs = window.anchorStartMs;
  // Some services without usage are simply not launched yet: recent, "Ready", "Pending Install".
  const notYetLaunched = profile.lifecycle === "noData" && rng.chance(0.4);
  let createdMs: number;
  if (notYetLaunched) {
    createdMs = secondIn(rng, anchorMs - 60 * MS_PER_DAY, anchorMs - 3 * MS_PER_DAY);
  } else if (profile.firstMonth > 0) {
    // Launched mid-window: entered in the CMDB shortly before or just after its first month starts.
    const launchMs = window.periodStartMs(profile.firstMonth);
    createdMs = secondIn(rng, launchMs - 45 * MS_PER_DAY, launchMs + 20 * MS_PER_DAY);
  } else if (profile.flagship || rng.chance(0.55)) {
    createdMs = ctx.catalogueImportMs + Math.floor(index / IMPORT_SERVICES_PER_SECOND) * MS_PER_SECOND;
  } else {
    createdMs = secondIn(rng, ctx.catalogueImportMs + MS_PER_DAY, window.periodStartMs(0) - MS_PER_DAY);
  }

  const owner = directory.user(rng.int(IT_STAFF_COUNT, USER_COUNT - 1));
  const manager = directory.user(rng.int(0, IT_STAFF_COUNT - 1));
  const createdBy = profile.firstMonth > 0 || notYetLaunched ? manager.userName : ADMIN_AUTHOR;
  let updatedMs = createdMs;
  let modCount = 0;
  let updatedBy = createdBy;
  if (profile.lifecycle === "retired") {
    // Retired by its manager in the month after its last usage.
    updatedMs =
      profile.lastMonth >= 0
        ? secondIn(
            rng,
            window.periodStartMs(profile.lastMonth + 1),
            window.periodStartMs(profile.lastMonth + 1) + 25 * MS_PER_DAY,
          )
        : (laterEditMs(rng, createdMs, anchorMs) ?? createdMs);
    modCount = updatedMs > createdMs ? rng.int(1, 3) : 0;
    updatedBy = manager.userName;
  } else if (rng.chance(0.05)) {
    const edited = laterEditMs(rng, createdMs, anchorMs);
    if (edited !== undefined) {
      updatedMs = edited;
      modCount = rng.int(1, 5);
      updatedBy = rng.pick([owner.userName, manager.userName, ADMIN_AUTHOR]);
    }
  }
  const [operationalStatus, installStatus] = statuses(rng, profile, notYetLaunched);

  const createdOn = formatUtcDateTime(createdMs);
  // One object literal with every column (no spreads): this runs once per service, up to millions of times.
  return {
    sys_id: profile.sysId,
    sys_class_name: SERVICE_CLASS,
    sys_created_on: createdOn,
    sys_created_by: createdBy,
    sys_updated_on: updatedMs === createdMs ? createdOn : formatUtcDateTime(updatedMs),
    sys_updated_by: updatedBy,
    sys_mod_count: String(modCount),
    name: serviceName(profile),
    short_description: shortDescription(profile),
    operational_status: operationalStatus,
    install_status: installStatus,
    owned_by: owner.sysId,
    managed_by: manager.sysId,
    support_group: directory.groupSysId(supportGroupIndex(rng, profile, hostingMode)),
    due: "",
    due_in: "",
    busines_criticality: criticality(rng, profile),
    service_classification: "Business Service",
    u_hosting_mode: hosting.u_hosting_mode,
    u_vcpu_count: hosting.u_vcpu_count,
    u_ram_gb: hosting.u_ram_gb,
    u_ssd_tb: hosting.u_ssd_tb,
    u_hdd_tb: hosting.u_hdd_tb,
    u_server_count: hosting.u_server_count,
    u_pue: hosting.u_pue,
    u_cpu_utilization: hosting.u_cpu_utilization,
    u_host_share: hosting.u_host_share,
    u_host_country: hosting.u_host_country,
    u_domain: profile.domain.label,
    // The owned footprint columns (OWNED_COLUMNS), empty until the connector writes them.
    u_co2e_kg_year: "",
    u_co2e_kg_month: "",
    u_energy_kwh_year: "",
    u_co2e_g_per_visit: "",
    u_carbon_grade: "",
    u_carbon_confidence: "",
    u_usage_status: "",
    u_visits_year: "",
    u_carbon_method: "",
    u_carbon_computed_on: "",
  };
}

// The hosting columns of a seeded service (DESIGN.md §3; carbon-model.md §2 "hosting"), as an authority's
// admins declare them: often incomplete.
// - vcpu (~45%): virtual machines at a cloud provider, mostly in France (some in Germany, Ireland, the
//   Netherlands); RAM, PUE and CPU utilisation often left empty.
// - server (~25%): physical servers in the métropole's two data centres, a recent one (PUE 1.45) and an older
//   one (PUE 1.8). Most of them run on SHARED hosts: a small fixed pool of clusters, each split between several
//   services by a declared `u_host_share` (1/4, 1/5, 1/8, 1/10). Shares are declared by admins, not computed, so
//   they need not add up to 1 on a host (as in real inventories).
// - unknown (~30%): SaaS; no hosting columns, sometimes the vendor's country.
import { formatDecimal, formatInteger } from "./format-values.js";
import { SeededRandom } from "./seeded-random.js";
import { StreamTag } from "./stream-key.js";

export type HostingMode = "vcpu" | "server" | "unknown";

export const HOSTING_COLUMNS = [
  "u_hosting_mode",
  "u_vcpu_count",
  "u_ram_gb",
  "u_ssd_tb",
  "u_hdd_tb",
  "u_server_count",
  "u_pue",
  "u_cpu_utilization",
  "u_host_share",
  "u_host_country",
] as const;

export type HostingColumns = Record<(typeof HOSTING_COLUMNS)[number], string>;

/** PUE declared for the métropole's data centres: the 2019 one, and the historical one in the old HQ. */
export const DATA_CENTRE_PUE = [1.45, 1.8] as const;

export interface SharedHost {
  serverCount: number;
  pue: number;
  /** Declared average CPU utilisation (ratio), or undefined when not measured. */
  cpuUtilization: number | undefined;
  share: number;
}

export const SHARED_HOST_COUNT = 24;

/** The shared clusters: fixed in number (independent of the catalogue size), drawn from the seed. */
export function sharedHostPool(seed: number): SharedHost[] {
  return Array.from({ length: SHARED_HOST_COUNT }, (_, h) => {
    const rng = SeededRandom.forStream(seed, StreamTag.hostPool, h);
    return {
      serverCount: rng.int(2, 4),
      pue: rng.chance(0.6) ? DATA_CENTRE_PUE[0] : DATA_CENTRE_PUE[1],
      cpuUtilization: rng.chance(0.6) ? rng.between(0.2, 0.65) : undefined,
      share: 1 / rng.pick([4, 5, 8, 10]),
    };
  });
}

/** A fresh record with every hosting column empty (filled by assignment: no spreads on this hot path). */
function emptyHosting(): HostingColumns {
  return {
    u_hosting_mode: "",
    u_vcpu_count: "",
    u_ram_gb: "",
    u_ssd_tb: "",
    u_hdd_tb: "",
    u_server_count: "",
    u_pue: "",
    u_cpu_utilization: "",
    u_host_share: "",
    u_host_country: "",
  };
}

export function drawHostingMode(rng: SeededRandom): HostingMode {
  return rng.weighted<HostingMode>([
    ["vcpu", 45],
    ["server", 25],
    ["unknown", 30],
  ]);
}

/** Values of the hosting columns, formatted at the columns' scales (create-default-schema.ts). */
export function hostingColumns(rng: SeededRandom, mode: HostingMode, pool: readonly SharedHost[]): HostingColumns {
  const h = emptyHosting();
  h.u_hosting_mode = mode;
  const tb = (value: number): string => formatDecimal(value, 3);
  if (mode === "vcpu") {
    const vcpus = rng.pick([1, 2, 2, 2, 4, 4, 4, 8, 8, 16]);
    h.u_vcpu_count = formatInteger(vcpus);
    if (rng.chance(0.45)) h.u_ram_gb = formatDecimal(vcpus * rng.pick([2, 4, 4, 8]), 2);
    if (rng.chance(0.8)) h.u_ssd_tb = tb(Math.exp(rng.between(Math.log(0.01), Math.log(0.5))));
    if (rng.chance(0.1)) h.u_hdd_tb = tb(rng.between(0.1, 2));
    if (rng.chance(0.2)) h.u_pue = formatDecimal(rng.pick([1.15, 1.2, 1.3, 1.4]), 2);
    if (rng.chance(0.25)) h.u_cpu_utilization = formatDecimal(rng.between(0.08, 0.6), 2);
    h.u_host_country = rng.weighted([
      ["FRA", 78],
      ["DEU", 8],
      ["IRL", 9],
      ["NLD", 5],
    ]);
  } else if (mode === "server") {
    const host = rng.chance(0.6) ? rng.pick(pool) : undefined;
    if (rng.chance(0.5)) h.u_ssd_tb = tb(rng.between(0.2, 2));
    if (rng.chance(0.3)) h.u_hdd_tb = tb(rng.between(0.5, 8));
    h.u_host_country = "FRA";
    if (host) {
      h.u_server_count = formatInteger(host.serverCount);
      h.u_pue = formatDecimal(host.pue, 2);
      if (host.cpuUtilization !== undefined) h.u_cpu_utilization = formatDecimal(host.cpuUtilization, 2);
      h.u_host_share = formatDecimal(host.share, 3);
    } else {
      h.u_server_count = formatInteger(
        rng.weighted([
          [1, 50],
          [2, 30],
          [3, 10],
          [4, 10],
        ]),
      );
      h.u_pue = formatDecimal(rng.chance(0.6) ? DATA_CENTRE_PUE[0] : DATA_CENTRE_PUE[1], 2);
      if (rng.chance(0.4)) h.u_cpu_utilization = formatDecimal(rng.between(0.05, 0.5), 2);
      // A dedicated server: the share is usually left empty (the model's default is 1), sometimes declared.
      if (rng.chance(0.2)) h.u_host_share = "1";
    }
  } else if (rng.chance(0.45)) {
    h.u_host_country = rng.weighted([
      ["FRA", 70],
      ["IRL", 12],
      ["DEU", 8],
      ["USA", 10],
    ]);
  }
  return h;
}

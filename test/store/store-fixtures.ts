// Shared builders for the store tests: temp database paths and records shaped like what the pull stage passes.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Service } from "../../src/domain/service.js";
import type { UsageMonth } from "../../src/domain/usage-month.js";
import type { ServiceRow, UsageRow } from "../../src/store/cache-repository.js";

export interface TempDir {
  dir: string;
  dbPath: string;
  cleanup(): void;
}

export function tempDir(): TempDir {
  const dir = mkdtempSync(join(tmpdir(), "empreinte-store-"));
  return { dir, dbPath: join(dir, "cache.db"), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A 32-hex sys_id whose order follows `n`. */
export function sysId(prefix: string, n: number): string {
  return `${prefix}${n.toString(16).padStart(32 - prefix.length, "0")}`;
}

export function serviceRow(n: number, overrides: Partial<Service> = {}): ServiceRow {
  const service: Service = {
    sysId: sysId("a", n),
    name: `Service ${n}`,
    className: "cmdb_ci_service_business",
    operationalStatus: "1",
    retired: false,
    criticality: "2 - somewhat critical",
    ownedBy: "",
    supportGroup: "",
    domain: "culture",
    hosting: { mode: "vcpu", vcpus: 4, ramGb: 16 },
    owned: {},
    sysUpdatedOn: `2025-01-01 00:00:${String(n % 60).padStart(2, "0")}`,
    sysModCount: 1,
    ...overrides,
  };
  const raw = {
    sys_id: service.sysId,
    name: service.name,
    sys_class_name: service.className,
    operational_status: service.operationalStatus,
    busines_criticality: service.criticality,
    owned_by: service.ownedBy,
    support_group: service.supportGroup,
    u_hosting_mode: service.hosting.mode,
    u_vcpu_count: String(service.hosting.vcpus ?? ""),
    sys_updated_on: service.sysUpdatedOn,
    sys_mod_count: String(service.sysModCount),
  };
  return { service, raw };
}

export function usageRow(n: number, overrides: Partial<UsageMonth> = {}): UsageRow {
  const usage: UsageMonth = {
    sysId: sysId("b", n),
    serviceSysId: sysId("a", n % 3),
    period: `2024-${String((n % 12) + 1).padStart(2, "0")}-01`,
    visits: 1000 + n,
    dataGb: 1.5,
    sysUpdatedOn: `2025-01-02 00:00:${String(n % 60).padStart(2, "0")}`,
    ...overrides,
  };
  const raw = {
    sys_id: usage.sysId,
    u_service: usage.serviceSysId,
    u_period: usage.period,
    u_visits: usage.visits === undefined ? "" : String(usage.visits),
    u_data_gb: usage.dataGb === undefined ? "" : String(usage.dataGb),
    sys_updated_on: usage.sysUpdatedOn,
  };
  return { usage, raw };
}

import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { defaultAnchorMonth } from "../../src/simulator/data/default-anchor-month.js";
import {
  type Dataset,
  type DatasetOptions,
  DEFAULT_DATASET_OPTIONS,
  generateDataset,
} from "../../src/simulator/data/generate-dataset.js";
import { createDefaultSchema } from "../../src/simulator/schema/create-default-schema.js";
import { OWNED_COLUMNS } from "../../src/simulator/schema/owned-columns.js";
import type { SimRecord } from "../../src/simulator/schema/types.js";

const ANCHOR = "2026-11";
const OPTIONS: DatasetOptions = { ...DEFAULT_DATASET_OPTIONS, anchorMonth: ANCHOR };

interface Tables {
  users: SimRecord[];
  groups: SimRecord[];
  services: SimRecord[];
  usage: SimRecord[];
}

function collect(dataset: Dataset): Tables {
  return {
    users: [...dataset.users()],
    groups: [...dataset.groups()],
    services: [...dataset.services()],
    usage: [...dataset.usage()],
  };
}

const dataset = generateDataset(OPTIONS);
const all = collect(dataset);

/** SHA-256 of the JSON of all tables: byte-identical output gives the same digest. */
function digest(tables: Tables): string {
  return createHash("sha256").update(JSON.stringify(tables)).digest("hex");
}

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

describe("generateDataset: purity", () => {
  it("gives byte-identical tables for the same options, and different ones for another seed", () => {
    expect(digest(collect(generateDataset(OPTIONS)))).toBe(digest(all));
    const other = collect(generateDataset({ ...OPTIONS, seed: OPTIONS.seed + 1, services: 200 }));
    expect(other.services).toHaveLength(200);
    expect(other.services.map((s) => s.sys_id)).not.toEqual(all.services.slice(0, 200).map((s) => s.sys_id));
    expect(other.services.slice(20, 60).map((s) => s.name)).not.toEqual(all.services.slice(20, 60).map((s) => s.name));
    expect(other.users.map((u) => u.user_name)).not.toEqual(all.users.map((u) => u.user_name));
  });

  it("can be iterated again, with the same records", () => {
    const again = collect(dataset);
    expect(again.usage.length).toBe(all.usage.length);
    expect(digest(again)).toBe(digest(all));
    // Editing a yielded record does not leak into the next iteration.
    const first = again.users[0];
    if (first) first.name = "changed";
    expect([...dataset.users()][0]?.name).toBe(all.users[0]?.name);
  });

  it("gives the same first services and usage rows whatever the catalogue size", () => {
    const small = collect(generateDataset({ ...OPTIONS, services: 300 }));
    const large = collect(generateDataset({ ...OPTIONS, services: 1000 }));
    expect(large.services.slice(0, 300)).toEqual(small.services);
    const firstIds = new Set(small.services.map((s) => s.sys_id));
    expect(large.usage.filter((u) => firstIds.has(u.u_service ?? ""))).toEqual(small.usage);
    expect(large.users).toEqual(small.users);
    expect(large.groups).toEqual(small.groups);
  });

  it("lists the tables in insertion order, referenced records first", () => {
    expect(dataset.tables.map((t) => t.table)).toEqual([
      "sys_user",
      "sys_user_group",
      "cmdb_ci_service_business",
      "u_digital_service_usage",
    ]);
    expect(dataset.tables[2]?.records).toBe(dataset.services);
  });

  it("rejects options it cannot honour", () => {
    expect(() => generateDataset({ ...OPTIONS, anchorMonth: "2026-13" })).toThrow(/YYYY-MM/);
    expect(() => generateDataset({ ...OPTIONS, anchorMonth: "26-11" })).toThrow(/YYYY-MM/);
    expect(() => generateDataset({ ...OPTIONS, services: -1 })).toThrow(/services/);
    expect(() => generateDataset({ ...OPTIONS, months: 1.5 })).toThrow(/months/);
    expect(() => generateDataset({ ...OPTIONS, seed: Number.NaN })).toThrow(/seed/);
  });
});

describe("generateDataset: records", () => {
  const schema = createDefaultSchema();

  it("gives every record every column of its table, as strings", () => {
    const cases: Array<[string, SimRecord[]]> = [
      ["sys_user", all.users],
      ["sys_user_group", all.groups],
      ["cmdb_ci_service_business", all.services],
      ["u_digital_service_usage", all.usage],
    ];
    for (const [table, records] of cases) {
      const columns = schema
        .fields(table)
        .map((f) => f.element)
        .sort();
      expect(records.length, table).toBeGreaterThan(0);
      // Plain checks, one assertion per table: tens of thousands of expect() calls would take seconds.
      const wrong = records.filter(
        (r) =>
          Object.keys(r).sort().join() !== columns.join() ||
          Object.values(r).some((v) => typeof v !== "string") ||
          r.sys_class_name !== table ||
          r.sys_created_by === "" ||
          !/^\d$/.test(r.sys_mod_count ?? ""),
      );
      expect(wrong, table).toEqual([]);
    }
  });

  it("has the expected sizes", () => {
    expect(all.services).toHaveLength(1600);
    expect(all.users).toHaveLength(400);
    expect(all.groups.length).toBeGreaterThanOrEqual(20);
    // About 94% of services report 24 months.
    expect(all.usage.length).toBeGreaterThan(1600 * 24 * 0.85);
    expect(all.usage.length).toBeLessThan(1600 * 24);
  });

  it("uses unique 32-hex sys_ids and references that resolve", () => {
    const ids = [...all.users, ...all.groups, ...all.services, ...all.usage].map((r) => r.sys_id ?? "");
    expect(ids.filter((id) => !/^[0-9a-f]{32}$/.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    const users = new Set(all.users.map((u) => u.sys_id));
    const groups = new Set(all.groups.map((g) => g.sys_id));
    const services = new Set(all.services.map((s) => s.sys_id));
    const has = (set: Set<string | undefined>, id: string | undefined) => set.has(id) && id !== "";
    expect(
      all.services.filter((s) => !has(users, s.owned_by) || !has(users, s.managed_by) || !has(groups, s.support_group)),
    ).toEqual([]);
    expect(all.groups.filter((g) => !has(users, g.manager))).toEqual([]);
    expect(all.usage.filter((u) => !has(services, u.u_service))).toEqual([]);
  });

  it("leaves the owned footprint columns empty", () => {
    for (const column of OWNED_COLUMNS) {
      expect(
        all.services.filter((s) => s[column] !== ""),
        column,
      ).toEqual([]);
    }
  });

  it("has unique user names and well-formed e-mails", () => {
    expect(new Set(all.users.map((u) => u.user_name)).size).toBe(all.users.length);
    for (const u of all.users) {
      expect(u.user_name).toMatch(/^[a-z-]+\.[a-z-]+\d*$/);
      expect(u.email).toBe(`${u.user_name}@rivemont-metropole.example`);
      expect(u.name).toBe(`${u.first_name} ${u.last_name}`);
      expect(["true", "false"]).toContain(u.active);
    }
  });
});

describe("generateDataset: dates", () => {
  const anchorStart = "2026-11-01 00:00:00";
  const stamped = [...all.users, ...all.groups, ...all.services, ...all.usage];

  it("dates everything before the anchor month, updates after creations", () => {
    const stamp = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
    const wrong = stamped.filter(
      (r) =>
        !stamp.test(r.sys_created_on ?? "") ||
        !stamp.test(r.sys_updated_on ?? "") ||
        !((r.sys_updated_on ?? "") < anchorStart) ||
        !((r.sys_created_on ?? "") <= (r.sys_updated_on ?? "")) ||
        (r.sys_mod_count === "0") !== (r.sys_created_on === r.sys_updated_on),
    );
    expect(wrong).toEqual([]);
    expect(stamped.length).toBeGreaterThan(30_000);
  });

  it("covers exactly the months before the anchor", () => {
    const expected = Array.from({ length: 24 }, (_, m) => {
      const d = new Date(Date.UTC(2024, 10 + m, 1));
      return d.toISOString().slice(0, 10);
    });
    expect(expected[0]).toBe("2024-11-01");
    expect(expected[23]).toBe("2026-10-01");
    expect(dataset.periods).toEqual(expected);
    expect([...new Set(all.usage.map((u) => u.u_period))].sort()).toEqual(expected);
    // One row per service and period at most.
    expect(new Set(all.usage.map((u) => `${u.u_service}/${u.u_period}`)).size).toBe(all.usage.length);
  });

  it("creates a period's rows on its last day, from 02:00, after the service", () => {
    const serviceCreated = new Map(all.services.map((s) => [s.sys_id, s.sys_created_on ?? ""]));
    const wrong = all.usage.filter((u) => {
      const period = new Date(`${u.u_period}T00:00:00Z`);
      const lastDay = new Date(Date.UTC(period.getUTCFullYear(), period.getUTCMonth() + 1, 0));
      const created = u.sys_created_on ?? "";
      return (
        created.slice(0, 10) !== lastDay.toISOString().slice(0, 10) ||
        created.slice(11) < "02:00:00" ||
        !((serviceCreated.get(u.u_service) ?? "9999") < created)
      );
    });
    expect(wrong).toEqual([]);
  });

  it("has the timestamp ties a keyset cursor must handle", () => {
    const perSecond = countBy(
      all.usage.filter((u) => u.u_period === "2026-10-01"),
      (u) => u.sys_updated_on ?? "",
    );
    const sizes = [...perSecond.values()];
    expect(Math.max(...sizes)).toBeGreaterThanOrEqual(40);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(200);
    // All but the month's last burst are full bursts of 40-200 rows.
    expect(sizes.filter((n) => n < 40).length).toBeLessThanOrEqual(1);
    const serviceTies = countBy(all.services, (s) => s.sys_updated_on ?? "");
    expect(Math.max(...serviceTies.values())).toBeGreaterThanOrEqual(30);
  });

  it("has some records updated after their creation", () => {
    const updatedServices = all.services.filter((s) => s.sys_mod_count !== "0");
    expect(updatedServices.length).toBeGreaterThan(40);
    expect(all.usage.some((u) => u.sys_mod_count === "1")).toBe(true);
    expect(all.users.some((u) => u.sys_mod_count !== "0")).toBe(true);
  });

  it("follows the anchor across a year boundary and handles tiny windows", () => {
    const january = generateDataset({ seed: 3, services: 40, months: 3, anchorMonth: "2026-01" });
    expect(january.periods).toEqual(["2025-10-01", "2025-11-01", "2025-12-01"]);
    const januaryUsage = [...january.usage()];
    expect(januaryUsage.length).toBeGreaterThan(0);
    expect(januaryUsage.filter((u) => (u.sys_updated_on ?? "") >= "2026-01-01 00:00:00")).toEqual([]);
    expect([...generateDataset({ seed: 3, services: 40, months: 0, anchorMonth: "2026-01" }).usage()]).toEqual([]);
    expect([...generateDataset({ seed: 3, services: 0, months: 3, anchorMonth: "2026-01" }).services()]).toEqual([]);
  });
});

describe("defaultAnchorMonth", () => {
  it("is the current UTC month", () => {
    expect(defaultAnchorMonth(new Date("2026-11-29T23:59:59Z"))).toBe("2026-11");
    expect(defaultAnchorMonth(new Date("2026-12-31T23:30:00-02:00"))).toBe("2027-01");
    expect(defaultAnchorMonth(new Date("2027-01-01T00:00:00Z"))).toBe("2027-01");
  });
});

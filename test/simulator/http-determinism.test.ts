// Same seed and anchor ⇒ same bytes (issue #2 "Must show"): two instances started alike serve identical bodies for a
// full dump of both data tables; another seed serves different data. Only the instance's own origin (in reference
// links) differs between two instances, so it is replaced by a placeholder before comparing.
import { describe, expect, it } from "vitest";
import { dumpPages, type TestInstance, useDevInstance } from "../helpers/dev-instance.js";

const a = useDevInstance({ seed: 42 });
const b = useDevInstance({ seed: 42 });
const other = useDevInstance({ seed: 43 });

const TABLES = ["cmdb_ci_service", "u_digital_service_usage"] as const;

async function dump(instance: TestInstance, table: string): Promise<string> {
  const pages = await dumpPages(instance, table, 1000);
  return pages.map((p) => p.replaceAll(instance.url, "<origin>")).join("\n");
}

describe("determinism", () => {
  it("two instances with the same seed and anchor serve byte-identical dumps of both data tables", async () => {
    for (const table of TABLES) {
      const [left, right] = await Promise.all([dump(a, table), dump(b, table)]);
      expect(left.length).toBeGreaterThan(10_000);
      expect(left === right).toBe(true);
    }
    const hashA = await (await a.raw("/_sim/hash/u_digital_service_usage")).json();
    const hashB = await (await b.raw("/_sim/hash/u_digital_service_usage")).json();
    expect(hashA).toEqual(hashB);
  });

  it("a different seed gives different data of the same size", async () => {
    for (const table of TABLES) {
      const [left, right] = await Promise.all([dump(a, table), dump(other, table)]);
      expect(left === right).toBe(false);
    }
    const [countA, countOther] = await Promise.all(
      [a, other].map(async (i) =>
        (await i.api("/api/now/table/cmdb_ci_service?sysparm_limit=1")).headers.get("x-total-count"),
      ),
    );
    expect(countA).toBe("200");
    expect(countOther).toBe("200");
  });

  it("dates every record before the anchor month, so a first incremental run finds nothing new", async () => {
    for (const table of TABLES) {
      const reply = await a.json<{ result: { stats: { count: string; max: Record<string, string> } } }>(
        `/api/now/stats/${table}?sysparm_count=true&sysparm_max_fields=sys_updated_on,sys_created_on`,
      );
      expect(Number(reply.body.result.stats.count)).toBeGreaterThan(0);
      expect((reply.body.result.stats.max.sys_updated_on ?? "") < "2026-11-01 00:00:00").toBe(true);
      expect((reply.body.result.stats.max.sys_created_on ?? "") < "2026-11-01 00:00:00").toBe(true);
      const later = await a.api(`/api/now/table/${table}?sysparm_query=sys_updated_on>=2026-11-01 00:00:00`);
      expect(later.headers.get("x-total-count")).toBe("0");
    }
  });
});

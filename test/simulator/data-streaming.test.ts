// A benchmark-size catalogue (100,000 services × 24 months, ~2.3 million usage rows) streams in flat memory,
// and its first 1,600 services and their usage rows are exactly the default dataset's. This file is slow by
// design (about 10 s on the CI machine); it is the only one.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateDataset } from "../../src/simulator/data/generate-dataset.js";
import type { SimRecord } from "../../src/simulator/schema/types.js";

const OPTIONS = { seed: 42, months: 24, anchorMonth: "2026-11" };
const LARGE = 100_000;
const SMALL = 1600;
const HEAP_LIMIT_BYTES = 400 * 1024 * 1024;

function hashOf(records: Iterable<SimRecord>, keep: (r: SimRecord) => boolean = () => true): string {
  const hash = createHash("sha256");
  for (const r of records) if (keep(r)) hash.update(JSON.stringify(r));
  return hash.digest("hex");
}

describe("generateDataset at benchmark size", () => {
  it("streams 100,000 services × 24 months in flat memory, the first 1,600 equal to the default dataset", () => {
    const small = generateDataset({ ...OPTIONS, services: SMALL });
    const smallServiceIds = new Set([...small.services()].map((s) => s.sys_id ?? ""));
    const smallServicesHash = hashOf(small.services());
    const smallUsageHash = hashOf(small.usage());

    const large = generateDataset({ ...OPTIONS, services: LARGE });
    let maxHeap = process.memoryUsage().heapUsed;
    const sampleHeap = (): void => {
      maxHeap = Math.max(maxHeap, process.memoryUsage().heapUsed);
    };

    let services = 0;
    const prefixServices = createHash("sha256");
    const names = new Set<string>();
    for (const s of large.services()) {
      if (services < SMALL) prefixServices.update(JSON.stringify(s));
      names.add(s.name ?? "");
      services += 1;
      if (services % 10_000 === 0) sampleHeap();
    }

    let rows = 0;
    let lastCreated = "";
    let outOfOrder = 0;
    let afterAnchor = 0;
    const prefixUsage = createHash("sha256");
    for (const u of large.usage()) {
      rows += 1;
      if (smallServiceIds.has(u.u_service ?? "")) prefixUsage.update(JSON.stringify(u));
      // Rows come in import order: creation times never go backwards.
      if ((u.sys_created_on ?? "") < lastCreated) outOfOrder += 1;
      lastCreated = u.sys_created_on ?? "";
      if ((u.sys_updated_on ?? "") >= "2026-11-01 00:00:00") afterAnchor += 1;
      if (rows % 100_000 === 0) sampleHeap();
    }

    expect(services).toBe(LARGE);
    expect(names.size).toBe(LARGE);
    expect(rows).toBeGreaterThan(LARGE * 24 * 0.9);
    expect(rows).toBeLessThan(LARGE * 24);
    expect(outOfOrder).toBe(0);
    expect(afterAnchor).toBe(0);
    expect(prefixServices.digest("hex")).toBe(smallServicesHash);
    expect(prefixUsage.digest("hex")).toBe(smallUsageHash);
    expect(maxHeap).toBeLessThan(HEAP_LIMIT_BYTES);
  }, 120_000);
});

import { datasetContext } from "./src/simulator/data/dataset-context.js";
import { serviceProfile } from "./src/simulator/data/service-profile.js";
import { usageRecords } from "./src/simulator/data/usage-records.js";
const ctx = datasetContext(1, 24, "2026-11");
const N = 5000;
for (let r = 0; r < 3; r++) {
  let t = performance.now(); let n = 0;
  for (let m = 0; m < 24; m++) for (let i = 0; i < N; i++) { const p = serviceProfile(ctx, i); if (p.lastMonth >= m) n++; }
  console.log("profiles only", n, ((performance.now() - t) * 1000 / (24 * N)).toFixed(2), "µs/row");
  t = performance.now(); n = 0;
  for (const _ of usageRecords(ctx, N)) n++;
  console.log("usage", n, ((performance.now() - t) * 1000 / n).toFixed(2), "µs/row");
}

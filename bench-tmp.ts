import { datasetContext } from "./src/simulator/data/dataset-context.js";
import { serviceProfile } from "./src/simulator/data/service-profile.js";
import { SeededRandom } from "./src/simulator/data/seeded-random.js";
import { deterministicSysId } from "./src/simulator/data/deterministic-sys-id.js";
import { formatUtcDateTime, formatDecimal } from "./src/simulator/data/format-values.js";
const ctx = datasetContext(1, 24, "2026-11");
function time(label: string, n: number, f: (i: number) => unknown) {
  const t = performance.now(); let x: unknown;
  for (let i = 0; i < n; i++) x = f(i);
  console.log(label, ((performance.now() - t) * 1000 / n).toFixed(2), "µs", typeof x);
}
for (let r = 0; r < 2; r++) {
time("forStream", 200000, (i) => SeededRandom.forStream(1, 6, i).float());
time("sysId", 200000, (i) => deterministicSysId(1, 6, i));
time("perm", 200000, (i) => ctx.permutation.combination(i));
time("profile", 200000, (i) => serviceProfile(ctx, i));
time("dt", 200000, (i) => formatUtcDateTime(1.7e12 + i * 1000));
time("dec", 200000, (i) => formatDecimal(i / 7, 3));
time("normal", 200000, (i) => SeededRandom.forStream(1, 6, i).normal());
}

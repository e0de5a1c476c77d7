import { generateDataset } from "./src/simulator/data/generate-dataset.js";
import { SeededRandom } from "./src/simulator/data/seeded-random.js";
const N = Number(process.argv[2] ?? 20000);
const ds = generateDataset({ seed: 1, services: N, months: 24, anchorMonth: "2026-11" });
let t = Date.now();
let n = 0;
for (const _ of ds.services) n++;
console.log("services", n, Date.now() - t, "ms");
t = Date.now();
n = 0;
for (const _ of ds.usage) n++;
console.log("usage", n, Date.now() - t, "ms", Math.round(process.memoryUsage().heapUsed / 1e6), "MB");
// uniformity of first draw
const bins = new Array(20).fill(0);
for (let i = 0; i < 100000; i++) bins[Math.floor(SeededRandom.forStream(1, 6, i).float() * 20)]++;
console.log(bins.join(" "));

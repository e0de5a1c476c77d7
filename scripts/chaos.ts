// The fault-injection suite (reference/style-reliability-ecosystem.md B6; docs/reliability.md): every row of the
// fault matrix as a scenario that runs the real CLI as child processes against a seeded dev instance, plus SIGKILL
// at seeded points of the pull and of the push over many seeds. One JSON line per scenario run; exit 1 if any check
// missed its threshold.
//
// Run: npx tsx scripts/chaos.ts [--seeds 20] [--seed-start 1] [--sigterm-seeds 4] [--only row-01,row-12b]
//        [--kills-only | --matrix-only] [--concurrency 3] [--services 150] [--months 6] [--page-size 50]
//        [--markdown]   the JSON lines go to stderr and the table of docs/reliability.md to stdout
// The CLI is the compiled dist/ when it is up to date with src/ (`npm run build`), the sources through tsx
// otherwise; CHAOS_CLI=dist|src forces one.
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";
import { ALL_SCENARIOS } from "../test/chaos/all-scenarios.js";
import { KILL_CONTEXT, KILL_SCENARIOS } from "../test/chaos/kill-scenarios.js";
import { markdownTable } from "../test/chaos/markdown-table.js";
import {
  CI_CONTEXT,
  jsonLine,
  type Scenario,
  type ScenarioContext,
  type ScenarioResult,
} from "../test/chaos/scenario.js";
import { cliEntry } from "../test/chaos/spawn-cli.js";

const { values } = parseArgs({
  options: {
    seeds: { type: "string", default: "20" },
    "seed-start": { type: "string", default: "1" },
    "sigterm-seeds": { type: "string", default: "4" },
    only: { type: "string" },
    "kills-only": { type: "boolean", default: false },
    "matrix-only": { type: "boolean", default: false },
    concurrency: { type: "string", default: "3" },
    services: { type: "string", default: String(CI_CONTEXT.services) },
    months: { type: "string", default: String(CI_CONTEXT.months) },
    "page-size": { type: "string", default: String(CI_CONTEXT.pageSize) },
    markdown: { type: "boolean", default: false },
  },
});

function int(name: keyof typeof values): number {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`chaos: --${name} must be a non-negative integer\n`);
    process.exit(64);
  }
  return n;
}

interface Job {
  scenario: Scenario;
  context: ScenarioContext;
}

const only = values.only?.split(",").filter(Boolean);
const wanted = (s: Scenario) => only === undefined || only.some((prefix) => s.id.startsWith(prefix));
const matrix: ScenarioContext = {
  services: int("services"),
  months: int("months"),
  pageSize: int("page-size"),
  seed: int("seed-start"),
};
const seedStart = int("seed-start");
const jobs: Job[] = [];
if (!values["kills-only"]) {
  const kills = new Set(KILL_SCENARIOS.map((s) => s.id));
  for (const scenario of ALL_SCENARIOS.filter((s) => !kills.has(s.id) && wanted(s))) {
    jobs.push({ scenario, context: matrix });
  }
}
if (!values["matrix-only"]) {
  const [kill, sigterm] = KILL_SCENARIOS as [Scenario, Scenario];
  if (wanted(kill)) {
    for (let i = 0; i < int("seeds"); i++)
      jobs.push({ scenario: kill, context: { ...KILL_CONTEXT, seed: seedStart + i } });
  }
  if (wanted(sigterm)) {
    for (let i = 0; i < int("sigterm-seeds"); i++) {
      jobs.push({ scenario: sigterm, context: { ...KILL_CONTEXT, seed: seedStart + i } });
    }
  }
}

const out = values.markdown ? process.stderr : process.stdout;
const results: ScenarioResult[] = [];
const startedMs = Date.now();
let next = 0;
async function worker(): Promise<void> {
  for (let job = jobs[next++]; job !== undefined; job = jobs[next++]) {
    try {
      const result = await job.scenario.run(job.context);
      results.push(result);
      out.write(`${jsonLine(result)}\n`);
    } catch (err) {
      const failed: ScenarioResult = {
        scenario: job.scenario.id,
        row: job.scenario.row,
        seed: job.context.seed,
        outcome: "fail",
        exitCode: null,
        wallSeconds: 0,
        figures: { error: err instanceof Error ? err.message : String(err) },
        checks: [{ figure: "threw", op: "==", threshold: false, actual: true, pass: false }],
      };
      results.push(failed);
      out.write(`${jsonLine(failed)}\n`);
    }
  }
}
await Promise.all(Array.from({ length: Math.max(1, int("concurrency")) }, worker));

const failed = results.filter((r) => r.outcome === "fail");
const wallS = Math.round((Date.now() - startedMs) / 100) / 10;
process.stderr.write(
  `chaos: ${results.length - failed.length} passed, ${failed.length} failed in ${wallS} s ` +
    `(CLI: ${cliEntry().join(" ")})\n`,
);
if (values.markdown) {
  let commit = "";
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "src", "test", "scripts"], { encoding: "utf8" });
    if (dirty.trim() !== "") commit += " + uncommitted changes";
  } catch {
    // not a git checkout
  }
  process.stdout.write(
    `Last run: ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC${commit ? `, commit ${commit}` : ""}, ` +
      `CLI ${cliEntry().includes("tsx") ? "sources through tsx" : "compiled dist/"}; matrix on ${matrix.services} ` +
      `services × ${matrix.months} months (pages of ${matrix.pageSize}), kill seeds on ${KILL_CONTEXT.services} × ` +
      `${KILL_CONTEXT.months} (pages of ${KILL_CONTEXT.pageSize}); ${results.length} runs, ${wallS} s.\n\n`,
  );
  process.stdout.write(markdownTable(results, ALL_SCENARIOS));
}
process.exitCode = failed.length === 0 ? 0 : 1;

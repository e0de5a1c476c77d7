// The table of docs/reliability.md: one line per scenario (the seeds of a scenario folded into one line, with the
// worst figure over them), its fault, its figures against their thresholds, and the outcome.
import type { Check, Figure, Scenario, ScenarioResult } from "./scenario.js";

/** Sort key of a fault matrix row: "8, 9" → 8.0, "12b" → 12.02. */
function rowOrder(row: string): number {
  const m = /^(\d+)([a-z]?)/.exec(row);
  if (!m) return Number.POSITIVE_INFINITY;
  return Number(m[1]) + (m[2] ? (m[2].charCodeAt(0) - 96) / 100 : 0);
}

function show(value: Figure): string {
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toFixed(3).replace(/0+$/, "");
  return value === null ? "–" : String(value);
}

/** The worst value of a figure over seeds: the largest for an upper bound, the smallest for a lower bound. */
function worst(checks: readonly Check[]): Figure {
  const values = checks.map((c) => c.actual);
  const op = checks[0]?.op;
  if (values.every((v) => typeof v === "number")) {
    const numbers = values as number[];
    return op === ">=" || op === ">" ? Math.min(...numbers) : Math.max(...numbers);
  }
  return [...new Set(values.map(show))].join(" / ");
}

function threshold(c: Check): string {
  const t = Array.isArray(c.threshold) ? `{${c.threshold.map(show).join(", ")}}` : show(c.threshold);
  return `${c.op === "in" ? "∈" : c.op} ${t}`;
}

export function markdownTable(results: readonly ScenarioResult[], scenarios: readonly Scenario[]): string {
  const groups = new Map<string, ScenarioResult[]>();
  for (const r of results) groups.set(r.scenario, [...(groups.get(r.scenario) ?? []), r]);
  const ordered = [...groups.entries()].sort(
    ([a, ra], [b, rb]) => rowOrder(ra[0]?.row ?? "") - rowOrder(rb[0]?.row ?? "") || a.localeCompare(b),
  );
  const lines = [
    "| Row | Scenario | Fault injected | Figures (threshold) | Seeds | Result |",
    "|---|---|---|---|---|---|",
  ];
  for (const [id, runs] of ordered) {
    const scenario = scenarios.find((s) => id.startsWith(s.id));
    const checks = new Map<string, Check[]>();
    for (const r of runs)
      for (const c of r.checks)
        checks.set(`${c.figure} ${threshold(c)}`, [...(checks.get(`${c.figure} ${threshold(c)}`) ?? []), c]);
    const figures = [...checks.values()].map((list) => {
      const first = list[0] as Check;
      return `${first.figure} ${show(worst(list))} (${threshold(first)})`;
    });
    for (const name of scenario?.report ?? []) {
      const values = runs.map((r) => r.figures[name]).filter((v): v is Figure => v !== undefined);
      if (values.length === 0) continue;
      const numbers = values.filter((v): v is number => typeof v === "number");
      figures.push(
        `${name} ${numbers.length === values.length ? show(Math.max(...numbers)) : values.map(show).join(" / ")}`,
      );
    }
    const failed = runs.filter((r) => r.outcome === "fail");
    const failures = [
      ...new Set(failed.flatMap((r) => r.checks.filter((c) => !c.pass).map((c) => `${c.figure} ${threshold(c)}`))),
    ];
    const result = failed.length === 0 ? "pass" : `**FAIL** (${failed.length}/${runs.length}): ${failures.join("; ")}`;
    const seeds = runs.length === 1 ? String(runs[0]?.seed) : `${runs.length}`;
    lines.push(
      `| ${runs[0]?.row ?? ""} | ${id} | ${scenario?.fault ?? ""} | ${figures.join("; ")} | ${seeds} | ${result} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}

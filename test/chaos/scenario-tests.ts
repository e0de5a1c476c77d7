// Declares one vitest test per chaos scenario (or per seed): it runs the scenario, prints its JSON line, and fails
// with the list of checks that missed their threshold. The tests of a file run side by side: each has its own dev
// instance and cache, and most of their time is spent waiting on child processes.
import { describe, expect, it } from "vitest";
import { jsonLine, type Scenario, type ScenarioContext } from "./scenario.js";

export interface ScenarioTestOptions {
  context: Omit<ScenarioContext, "seed">;
  seeds: readonly number[];
  /** Per test; the CLI runs several times in most scenarios. */
  timeoutMs?: number;
}

export function scenarioTests(title: string, scenarios: readonly Scenario[], options: ScenarioTestOptions): void {
  describe.concurrent(title, () => {
    for (const scenario of scenarios) {
      for (const seed of options.seeds) {
        const name = `row ${scenario.row}: ${scenario.title}${options.seeds.length > 1 ? ` (seed ${seed})` : ""}`;
        it(
          name,
          async () => {
            const result = await scenario.run({ ...options.context, seed });
            process.stdout.write(`${jsonLine(result)}\n`);
            expect(result.checks.filter((c) => !c.pass)).toEqual([]);
          },
          options.timeoutMs ?? 120_000,
        );
      }
    }
  });
}

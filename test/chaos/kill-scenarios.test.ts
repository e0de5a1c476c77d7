// Rows 8 and 9 over seeds 1-10 (SIGKILL at a seeded page of the pull and a seeded write of the push, the push phase
// rotating with the seed) and row 9b over seeds 1-2 (SIGTERM in the pull, then in the push). Seeds 11-20 are in
// kill-scenarios-seeds-11-20.test.ts, so that vitest runs the two halves on two workers.
import { KILL_CONTEXT, KILL_SCENARIOS } from "./kill-scenarios.js";
import { scenarioTests } from "./scenario-tests.js";

scenarioTests(
  "chaos: SIGKILL mid-pull and mid-push, seeds 1-10",
  KILL_SCENARIOS.filter((s) => s.row === "8, 9"),
  { context: KILL_CONTEXT, seeds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] },
);
scenarioTests(
  "chaos: SIGTERM mid-run",
  KILL_SCENARIOS.filter((s) => s.row === "9b"),
  { context: KILL_CONTEXT, seeds: [1, 2] },
);

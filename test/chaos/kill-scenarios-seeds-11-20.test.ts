// Rows 8 and 9 over seeds 11-20, and row 9b over seeds 3-4 (see kill-scenarios.test.ts).
import { KILL_CONTEXT, KILL_SCENARIOS } from "./kill-scenarios.js";
import { scenarioTests } from "./scenario-tests.js";

scenarioTests(
  "chaos: SIGKILL mid-pull and mid-push, seeds 11-20",
  KILL_SCENARIOS.filter((s) => s.row === "8, 9"),
  { context: KILL_CONTEXT, seeds: [11, 12, 13, 14, 15, 16, 17, 18, 19, 20] },
);
scenarioTests(
  "chaos: SIGTERM mid-run",
  KILL_SCENARIOS.filter((s) => s.row === "9b"),
  { context: KILL_CONTEXT, seeds: [3, 4] },
);

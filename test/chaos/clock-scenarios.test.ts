// The fault matrix scenarios of clock-scenarios.ts, each running the CLI against its own dev instance (seed 1).
import { CLOCK_SCENARIOS } from "./clock-scenarios.js";
import { CI_CONTEXT } from "./scenario.js";
import { scenarioTests } from "./scenario-tests.js";

scenarioTests("chaos: clock", CLOCK_SCENARIOS, { context: CI_CONTEXT, seeds: [1] });

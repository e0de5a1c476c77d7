// The fault matrix scenarios of write-scenarios.ts, each running the CLI against its own dev instance (seed 1).

import { CI_CONTEXT } from "./scenario.js";
import { scenarioTests } from "./scenario-tests.js";
import { WRITE_SCENARIOS } from "./write-scenarios.js";

scenarioTests("chaos: write", WRITE_SCENARIOS, { context: CI_CONTEXT, seeds: [1] });

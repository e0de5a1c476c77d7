// The fault matrix scenarios of transient-scenarios.ts, each running the CLI against its own dev instance (seed 1).

import { CI_CONTEXT } from "./scenario.js";
import { scenarioTests } from "./scenario-tests.js";
import { TRANSIENT_SCENARIOS } from "./transient-scenarios.js";

scenarioTests("chaos: transient", TRANSIENT_SCENARIOS, { context: CI_CONTEXT, seeds: [1] });

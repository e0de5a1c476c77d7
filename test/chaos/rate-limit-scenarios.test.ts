// The fault matrix scenarios of rate-limit-scenarios.ts, each running the CLI against its own dev instance (seed 1).
import { RATE_LIMIT_SCENARIOS } from "./rate-limit-scenarios.js";
import { CI_CONTEXT } from "./scenario.js";
import { scenarioTests } from "./scenario-tests.js";

scenarioTests("chaos: rate-limit", RATE_LIMIT_SCENARIOS, { context: CI_CONTEXT, seeds: [1] });

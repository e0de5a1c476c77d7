// The fault matrix scenarios of lease-scenarios.ts, each running the CLI against its own dev instance (seed 1).
import { LEASE_SCENARIOS } from "./lease-scenarios.js";
import { CI_CONTEXT } from "./scenario.js";
import { scenarioTests } from "./scenario-tests.js";

scenarioTests("chaos: lease", LEASE_SCENARIOS, { context: CI_CONTEXT, seeds: [1] });

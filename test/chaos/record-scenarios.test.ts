// The fault matrix scenarios of record-scenarios.ts, each running the CLI against its own dev instance (seed 1).
import { RECORD_SCENARIOS } from "./record-scenarios.js";
import { CI_CONTEXT } from "./scenario.js";
import { scenarioTests } from "./scenario-tests.js";

scenarioTests("chaos: record", RECORD_SCENARIOS, { context: CI_CONTEXT, seeds: [1] });

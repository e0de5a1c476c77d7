// Every scenario of the fault matrix (reference/style-reliability-ecosystem.md B6 rows 1-18), in row order.
import { CLOCK_SCENARIOS } from "./clock-scenarios.js";
import { KILL_SCENARIOS } from "./kill-scenarios.js";
import { LEASE_SCENARIOS } from "./lease-scenarios.js";
import { RATE_LIMIT_SCENARIOS } from "./rate-limit-scenarios.js";
import { RECORD_SCENARIOS } from "./record-scenarios.js";
import type { Scenario } from "./scenario.js";
import { TRANSIENT_SCENARIOS } from "./transient-scenarios.js";
import { WRITE_SCENARIOS } from "./write-scenarios.js";

export const ALL_SCENARIOS: Scenario[] = [
  ...RATE_LIMIT_SCENARIOS,
  ...TRANSIENT_SCENARIOS,
  ...RECORD_SCENARIOS,
  ...KILL_SCENARIOS,
  ...LEASE_SCENARIOS,
  ...CLOCK_SCENARIOS,
  ...WRITE_SCENARIOS,
];

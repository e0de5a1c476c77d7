// Found by secrets-after-run.test.ts (OAuth tokens living 2 s, a run configured with `retries: 0`): an access token
// that expires during a run must be renewed once and the request replayed once (B5.7; servicenow-api.md §4), whatever
// `retries` says. `retries` counts retries after transient failures (5xx, resets, timeouts, 429); with 0, an expired
// token currently ends the run with exit 77 and "The instance refused a freshly issued OAuth token", although no new
// token was asked for (src/http/send-with-retry.ts, case "refresh_auth": `retriesLeft <= 0`).
import { describe, expect, it } from "vitest";
import { systemClock } from "../../src/lib/clock.js";
import { ServiceNowClient } from "../../src/servicenow/table-client.js";
import {
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  TEST_PASSWORD,
  TEST_USER,
  useDevInstance,
} from "../helpers/dev-instance.js";

const instance = useDevInstance({ services: 20, months: 2 });

function client(maxRetries: number): ServiceNowClient {
  return new ServiceNowClient({
    instanceUrl: instance.url,
    auth: {
      type: "oauth",
      clientId: TEST_CLIENT_ID,
      clientSecret: TEST_CLIENT_SECRET,
      username: TEST_USER,
      password: TEST_PASSWORD,
    },
    clock: systemClock,
    http: { maxRetries, random: () => 0 },
  });
}

const list = (c: ServiceNowClient) => c.listPage("cmdb_ci_service", { query: "", fields: ["name"], limit: 5 });

describe("an access token that expires during a run", () => {
  it.each([1, 0])("is renewed once and the request replayed, with retries: %i", async (maxRetries) => {
    const c = client(maxRetries);
    expect((await list(c)).records.length).toBe(5);
    instance.sim.auth.expireAllTokens();
    expect((await list(c)).records.length).toBe(5);
    expect(c.stats().auth.refreshesOn401).toBe(1);
  });
});

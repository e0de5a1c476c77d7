// The client against the embedded dev instance over real loopback HTTP: an independent implementation of the wire
// format reads our keyset queries, serves faults, and rotates tokens. (Tests may import the simulator; connector
// code never does.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keysetPages } from "../../src/servicenow/keyset-pages.js";
import { ServiceNowClient } from "../../src/servicenow/table-client.js";
import { DevInstance } from "../../src/simulator/server/dev-instance.js";
import { useStrictNock } from "../helpers/strict-nock.js";
import { FakeClock } from "../http/fake-clock.js";

useStrictNock(); // nothing but loopback may be reached

const TABLE = "cmdb_ci_service";
let sim: DevInstance;

beforeAll(async () => {
  sim = await DevInstance.start({ services: 120, months: 1, anchorMonth: "2026-02", seed: 7 });
});

afterAll(async () => {
  await sim?.stop();
});

function basicClient() {
  const { url, username, password } = sim.credentials;
  return new ServiceNowClient({
    instanceUrl: url,
    auth: { type: "basic", username, password },
    clock: new FakeClock(), // backoff sleeps are virtual; the instance runs on real time
    http: { maxRetries: 8 },
  });
}

async function pullAll(client: ServiceNowClient, pageSize: number) {
  const ids: string[] = [];
  let pages = 0;
  for await (const page of keysetPages(client, { table: TABLE, fields: ["name"], pageSize, start: undefined })) {
    pages++;
    for (const record of page.records) ids.push((record as { sys_id: string }).sys_id);
  }
  return { ids, pages };
}

describe("against the dev instance", () => {
  it("a keyset pull reads every record exactly once in ceil(n/page)+1 requests", async () => {
    sim.setFaults({});
    const client = basicClient();
    const { count } = await client.aggregate(TABLE, { count: true });
    expect(count).toBeGreaterThan(100);
    const { ids, pages } = await pullAll(client, 25);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(count ?? -1);
    expect(client.stats().requests.list).toBe(Math.ceil((count ?? 0) / 25) + 1);
    expect(pages).toBe(Math.ceil((count ?? 0) / 25));
  });

  it("survives truncated 200s, HTML pages, 202s and 503s without losing or repeating a record", async () => {
    const expected = (await pullAll(basicClient(), 1000)).ids.sort();
    sim.setFaults({
      truncateRate: 0.2,
      htmlLoginRate: 0.1,
      emptyAcceptedRate: 0.1,
      errorRates: { "503": 0.1 },
      seed: 3,
      kinds: ["read"],
    });
    try {
      const client = basicClient();
      const { ids } = await pullAll(client, 20);
      expect([...ids].sort()).toEqual(expected);
      const retries = client.stats().http.retriesByReason;
      expect(retries.truncated + retries["5xx"]).toBeGreaterThan(0);
    } finally {
      sim.setFaults({});
    }
  });

  it("OAuth: a token expired on the instance is refreshed once and the request replayed", async () => {
    const { url, username, password, clientId, clientSecret } = sim.credentials;
    const client = new ServiceNowClient({
      instanceUrl: url,
      auth: { type: "oauth", clientId, clientSecret, username, password },
      clock: new FakeClock(),
    });
    await client.listPage(TABLE, { query: "", fields: [], limit: 1 });
    sim.auth.expireAllTokens();
    await client.listPage(TABLE, { query: "", fields: [], limit: 1 });
    const { auth } = client.stats();
    expect(auth.tokenRequests.password).toBe(1);
    expect(auth.refreshesOn401).toBe(1);
  });
});

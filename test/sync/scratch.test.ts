import { afterAll, beforeAll, expect, it } from "vitest";
import { PullHarness } from "../helpers/pull-harness.js";

let h: PullHarness;
beforeAll(async () => { h = await PullHarness.start({}); });
afterAll(async () => h?.close());

it("mutate", async () => {
  h.sim.setFaults({ mutateBetweenPages: 3, seed: 5 });
  const ac = new AbortController();
  const t = setTimeout(() => ac.abort(new Error("too long")), 8000);
  try {
    const s = await h.pull({ signal: ac.signal });
    console.log(JSON.stringify(s.streams.map((x) => [x.read, x.pages])));
  } catch (e) { console.log("ERR", String(e), h.sim.faults.counts()); }
  clearTimeout(t);
  expect(1).toBe(1);
});

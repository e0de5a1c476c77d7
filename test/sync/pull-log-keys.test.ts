// A JSON log line holds each key once: inside a sync, the pull's lines carry the sync's runId and their own run as
// pullRunId (a line with runId twice is read by jq as the last one: the wrong run).
import { afterEach, describe, expect, it } from "vitest";
import { PullHarness } from "../helpers/pull-harness.js";
import { sync } from "../helpers/sync-harness.js";

let h: PullHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("the pull's log lines in a sync", () => {
  it("carry the sync's runId once, the pull's own run as pullRunId, and stream and table once", async () => {
    h = await PullHarness.start();
    const run = await sync(h);
    const pulled = h.logged.lines().filter((l) => /^pulled \d+ rows of /.test(String(l.msg)));
    expect(pulled.map((l) => l.stream).sort()).toEqual(["services", "usage"]);
    for (const line of pulled) {
      expect(line.runId).toBe(run.runId);
      expect(line.pullRunId).toEqual(expect.any(Number));
      expect(line.pullRunId).not.toBe(run.runId);
    }
  }, 60_000);
});

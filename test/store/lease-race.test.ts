import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { Lease } from "../../src/store/lease.js";
import { openDatabase } from "../../src/store/open-database.js";
import { type TempDir, tempDir } from "./store-fixtures.js";

const run = promisify(execFile);
const child = fileURLToPath(new URL("./fixtures/acquire-lease.ts", import.meta.url));

interface Outcome {
  owner: string;
  won: boolean;
  fencingToken?: number;
  kind?: string;
  message?: string;
}

describe("Lease across processes (B6 row 10)", () => {
  let tmp: TempDir;
  afterEach(() => tmp?.cleanup());

  it("four processes racing for a free lease: exactly one wins, the others get kind busy", async () => {
    tmp = tempDir();
    openDatabase({ path: tmp.dbPath }).close(); // migrate once, so the race is on the lease alone
    const startAtMs = Date.now() + 1500; // after every child has loaded tsx and opened the file
    const outputs = await Promise.all(
      ["p1", "p2", "p3", "p4"].map((owner) =>
        run(process.execPath, ["--import", "tsx", child, tmp.dbPath, owner, String(startAtMs)], { timeout: 20_000 }),
      ),
    );
    const outcomes = outputs.map(({ stdout }) => JSON.parse(stdout.trim()) as Outcome);
    const winners = outcomes.filter((o) => o.won);
    expect(winners).toHaveLength(1);
    expect(winners[0]?.fencingToken).toBe(1);
    const losers = outcomes.filter((o) => !o.won);
    expect(losers.map((o) => o.kind)).toEqual(["busy", "busy", "busy"]);
    // Serialised by BEGIN IMMEDIATE, each loser read the winner's row and names it (a deferred transaction would
    // instead fail its lock upgrade with a bare SQLITE_BUSY).
    for (const loser of losers) expect(loser.message).toContain(`"${winners[0]?.owner}"`);
    const db = openDatabase({ path: tmp.dbPath });
    expect(new Lease(db).holder()?.owner).toBe(winners[0]?.owner);
    db.close();
  }, 30_000);
});

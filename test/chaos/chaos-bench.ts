// One chaos scenario's test bench: an embedded dev instance (in this process, so it can signal the CLI and be
// mutated mid-run), a configuration and a temp SQLite cache (PullHarness), the CLI as child processes, and the
// figures of the fault matrix read from the instance's ledger and the cache (reference/style-reliability-ecosystem.md
// B6).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import Database from "better-sqlite3";
import { stringify } from "yaml";
import type { StreamName } from "../../src/domain/cursor.js";
import type { FaultSettingsInput } from "../../src/simulator/faults/fault-settings.js";
import { OWNED_COLUMNS } from "../../src/simulator/schema/owned-columns.js";
import type { DevInstanceOptions } from "../../src/simulator/server/dev-instance-options.js";
import type { LedgerRequest, LedgerWrite } from "../../src/simulator/store/ledger.js";
import { EstimateRepository } from "../../src/store/estimate-repository.js";
import { readStatus, type StatusSnapshot } from "../../src/store/read-status.js";
import { ANCHOR_MONTH, PullHarness } from "../helpers/pull-harness.js";
import { expectedFields, normalise, ownedOnInstance } from "../helpers/sync-harness.js";
import { humanEditFigures, type WriteFilter, writeFigures } from "./ledger-figures.js";
import type { ScenarioContext } from "./scenario.js";
import { type ChaosCliResult, type RunningCli, spawnCli } from "./spawn-cli.js";

export { HUMAN } from "../helpers/pull-harness.js";

export interface ChaosBenchOptions {
  /** Config document laid over the bench's (page sizes from the context). */
  document?: Record<string, unknown>;
  auth?: "basic" | "oauth" | "oauth-client";
  /** Dev instance options beyond size and seed. */
  instance?: DevInstanceOptions;
}

export interface CliCall {
  /** Laid over the bench's config file for this run only. */
  document?: Record<string, unknown>;
  env?: Record<string, string>;
}

export interface PullFigures {
  recordsExpected: number;
  recordsMissing: number;
  /** Live cache rows the instance does not have. */
  recordsExtra: number;
  duplicateCacheRows: number;
  missingSysIds: string[];
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] =
      typeof v === "object" && v !== null && !Array.isArray(v) && typeof prev === "object" && prev !== null
        ? deepMerge(prev as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

export class ChaosBench {
  readonly h: PullHarness;
  #configs = 0;

  private constructor(h: PullHarness) {
    this.h = h;
  }

  static async start(ctx: ScenarioContext, options: ChaosBenchOptions = {}): Promise<ChaosBench> {
    const h = await PullHarness.start({
      instance: {
        anchorMonth: ANCHOR_MONTH,
        services: ctx.services,
        months: ctx.months,
        seed: ctx.seed,
        ...options.instance,
      },
      document: deepMerge(
        { catalogue: { pageSize: ctx.pageSize }, usage: { pageSize: ctx.pageSize } },
        options.document ?? {},
      ),
      ...(options.auth ? { auth: options.auth } : {}),
    });
    return new ChaosBench(h);
  }

  get sim() {
    return this.h.sim;
  }

  get user(): string {
    return this.h.sim.credentials.username;
  }

  get table(): string {
    return this.h.config.catalogue.table;
  }

  get writeFilter(): WriteFilter {
    return { user: this.user, table: this.table };
  }

  /** Starts the CLI; its pid is known at once (for killOnWrite / killOnPage). */
  cli(args: readonly string[], call: CliCall = {}): RunningCli {
    const env = { ...this.h.env, ...call.env };
    if (call.document !== undefined) {
      const path = join(this.h.dir, `chaos-${++this.#configs}.yaml`);
      writeFileSync(path, stringify(deepMerge(this.h.document, call.document)));
      env.EMPREINTE_CONFIG = path;
    }
    return spawnCli(args, env);
  }

  run(args: readonly string[], call: CliCall = {}): Promise<ChaosCliResult> {
    return this.cli(args, call).result;
  }

  faults(settings: FaultSettingsInput): void {
    this.h.sim.setFaults(settings);
  }

  async settings(patch: Record<string, unknown>): Promise<void> {
    await this.h.admin("settings", {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(patch),
    });
  }

  /** Ids of the last request and write recorded so far: marks to read what came after. */
  mark(): { request: number; write: number } {
    return this.h.sim.ledger.lastIds();
  }

  requests(sinceId = 0): LedgerRequest[] {
    return this.h.sim.ledger.requests({ sinceId }).filter((r) => r.path.startsWith("/api/now"));
  }

  writes(sinceId = 0): LedgerWrite[] {
    return this.h.sim.ledger.writes({ sinceId, limit: 10_000_000 });
  }

  /** Polls until `test` holds (every 10 ms); false on timeout. */
  async until(test: () => boolean, timeoutMs = 30_000): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (test()) return true;
      await sleep(10);
    }
    return test();
  }

  /** recordsMissing and friends over both streams (injected faults are paused while the instance is read). */
  async pullFigures(streams: readonly StreamName[] = ["services", "usage"]): Promise<PullFigures> {
    const out: PullFigures = {
      recordsExpected: 0,
      recordsMissing: 0,
      recordsExtra: 0,
      duplicateCacheRows: 0,
      missingSysIds: [],
    };
    for (const stream of streams) {
      const m = await this.h.recordsMissing(stream);
      out.recordsExpected += m.expected;
      out.recordsMissing += m.missing;
      out.recordsExtra += m.extra;
      out.duplicateCacheRows += m.duplicateCacheRows;
      out.missingSysIds.push(...m.sysIds);
    }
    return out;
  }

  /**
   * "Cursor = last committed": the stream's cursor is the key of its newest cached row (pages commit their rows and
   * the cursor together, so no row lies beyond it and it never runs ahead of the rows). True for a stream never
   * pulled with nothing cached.
   */
  cursorOnLastCommittedRow(stream: StreamName): boolean {
    const table = stream === "services" ? "services" : "usage_months";
    const tables = [table, `${table}_staging`].filter(
      (t) => this.h.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(t) !== undefined,
    );
    const newest = tables
      .map(
        (t) =>
          this.h.db
            .prepare<[], { k: string }>(
              `SELECT sys_updated_on || '|' || sys_id AS k FROM ${t} ORDER BY sys_updated_on DESC, sys_id DESC LIMIT 1`,
            )
            .get()?.k ?? "",
      )
      .sort()
      .at(-1);
    const cursor = this.h.cache.getCursor(stream);
    const key = cursor.updatedOn === "" ? "" : `${cursor.updatedOn}|${cursor.sysId}`;
    return key === (newest ?? "");
  }

  /** True when no connection holds the cache's write lock right now (a BEGIN IMMEDIATE that does not wait). */
  writeLockFree(): boolean {
    const probe = new Database(this.h.dbPath, { timeout: 0 });
    try {
      probe.exec("BEGIN IMMEDIATE");
      probe.exec("ROLLBACK");
      return true;
    } catch {
      return false;
    } finally {
      probe.close();
    }
  }

  integrityCheck(): string {
    return String(this.h.db.pragma("integrity_check", { simple: true }));
  }

  status(): StatusSnapshot {
    return readStatus(this.h.db, { nowMs: Date.now() });
  }

  /**
   * Ends a killed run's lease now instead of after its TTL, so the next run takes over at once. Only the kill
   * scenarios do this, to keep the seeds fast; row 10b measures the real takeover after the TTL.
   */
  expireLease(): void {
    this.h.db.prepare("UPDATE lease SET expires_at_ms = ? WHERE id = 1 AND owner IS NOT NULL").run(Date.now() - 1);
  }

  /**
   * writesMissing: active services whose owned fields on the instance differ from their estimate in the cache
   * (formatted independently of the connector), the computed-on stamp aside. `keep` names "sysId column" pairs a
   * person set and the connector must keep (conflicts).
   */
  async writesMissing(keep: ReadonlySet<string> = new Set()): Promise<{ expected: number; missing: string[] }> {
    const saved = this.h.sim.faults.settings();
    this.h.sim.setFaults({});
    try {
      const views = new EstimateRepository(this.h.db);
      const tombstoned = new Set(
        this.h.db
          .prepare<[], { sys_id: string }>("SELECT sys_id FROM services WHERE tombstoned_at IS NOT NULL")
          .all()
          .map((r) => r.sys_id),
      );
      const missing: string[] = [];
      let expected = 0;
      for (const [sysId, r] of await ownedOnInstance(this.h)) {
        if (r.operational_status === "6" || tombstoned.has(sysId)) continue;
        expected++;
        const view = views.yearView(sysId)?.view;
        if (!view) {
          missing.push(`${sysId} (no estimate)`);
          continue;
        }
        for (const [col, value] of Object.entries(expectedFields(view))) {
          if (keep.has(`${sysId} ${col}`)) continue;
          if (normalise(r[col] ?? "") !== normalise(value)) {
            missing.push(`${sysId}.${col}`);
            break;
          }
        }
      }
      return { expected, missing };
    } finally {
      this.h.sim.setFaults(saved);
    }
  }

  writeFigures(sinceWriteId = 0) {
    return writeFigures(this.writes(sinceWriteId), this.writeFilter);
  }

  humanEditFigures(human: string, sinceWriteId = 0) {
    return humanEditFigures(this.writes(sinceWriteId), human, this.writeFilter, new Set<string>(OWNED_COLUMNS));
  }

  /** Requests that may change data, OAuth token requests aside (row 16). */
  mutatingRequests(sinceId: number): LedgerRequest[] {
    return this.requests(sinceId).filter((r) => r.method !== "GET" && r.method !== "HEAD");
  }

  /** Active services (not retired), in sys_id order. */
  activeServices(limit = 10_000): Promise<string[]> {
    return this.h.sysIds("services", "operational_status!=6", limit);
  }

  close(): Promise<void> {
    return this.h.close();
  }
}

/** The summary a `--json` run printed (last JSON line of stdout), or undefined. */
export function jsonOut<T>(r: ChaosCliResult): T | undefined {
  const line = r.stdout
    .trim()
    .split("\n")
    .reverse()
    .find((l) => l.startsWith("{") || l.startsWith("["));
  if (line === undefined) return undefined;
  try {
    return JSON.parse(line) as T;
  } catch {
    return undefined;
  }
}

/** A seeded PRNG (mulberry32): the scenarios' random choices repeat for a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0 || 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** An integer in [min, max] from a seeded PRNG. */
export function randomInt(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** Starts a bench, runs `fn`, and always stops it. */
export async function withBench(
  ctx: ScenarioContext,
  fn: (bench: ChaosBench) => Promise<void>,
  options: ChaosBenchOptions = {},
): Promise<void> {
  const bench = await ChaosBench.start(ctx, options);
  try {
    await fn(bench);
  } finally {
    await bench.close();
  }
}

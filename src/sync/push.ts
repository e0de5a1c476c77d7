// The push stage: stored year views + remote values of the owned columns → a write plan → the outbox → the instance
// (DESIGN.md §4 invariant 4; reference/style-reliability-ecosystem.md B5.3-B5.4). The caller holds the lease.
//
// Order matters for crash recovery. Writes left pending by an earlier run (killed mid-push) are first checked
// against the remote values: those already applied are marked done (their values become "last written", so they
// are not mistaken for human edits). Then the plan is computed and persisted before anything is sent; it supersedes
// the earlier pending writes of the same records, and earlier pending writes it does not repeat are dropped (the
// record no longer needs them). Only then are writes sent.
//
// Only the services whose plan may have changed since the last one are compared (src/store/plan-inputs.ts): those
// whose estimate or cached record changed, with an open conflict, a pending or a refused write; every service on a
// first plan, --force, other owned columns or a cache changed wholesale.
//
// The remote values come from the cache. In a sync run the pull has just refreshed them (`remoteFresh`). A push run
// alone reads the current owned values of every record it means to write, or reports in conflict, first: a human
// edit made since the last pull is never overwritten.
import type Database from "better-sqlite3";
import type { EmpreinteConfig } from "../config/config-schema.js";
import type { ServiceYearView } from "../domain/estimate.js";
import type { Service } from "../domain/service.js";
import type { ColumnType, Conflict, PlannedWrite, WritePlan } from "../domain/write-plan.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../observability/logger.js";
import type { ServiceNowClient } from "../servicenow/table-client.js";
import { CacheRepository } from "../store/cache-repository.js";
import { EstimateInputs } from "../store/estimate-inputs.js";
import { EstimateRepository } from "../store/estimate-repository.js";
import { Lease } from "../store/lease.js";
import { OutboxRepository } from "../store/outbox-repository.js";
import { PlanInputs } from "../store/plan-inputs.js";
import { sameColumnValue } from "./format-for-column.js";
import { type PlanInput, planWrites } from "./plan.js";
import { readOwnedValues } from "./read-owned-values.js";
import { type SendWritesResult, sendWrites } from "./send-writes.js";

/** Planned writes a dry run keeps to show. */
export const PLAN_KEPT = 1000;

export interface PushStageDeps {
  db: Database.Database;
  config: EmpreinteConfig;
  client: ServiceNowClient;
  clock: Clock;
  log: Logger;
  fencingToken: number;
  runId: number;
  /** Types of the owned columns on the catalogue table (sys_dictionary), for formatting and comparing. */
  columnTypes: ReadonlyMap<string, ColumnType>;
  signal?: AbortSignal;
  onSettled?(settled: number, total: number): void;
}

export interface PushStageOptions {
  force: boolean;
  dryRun: boolean;
  /** True when this run's pull has just read the records (their cached owned values are current). */
  remoteFresh: boolean;
  /** Restrict the plan to these services (sys_ids); all live, non-retired services otherwise. */
  only?: ReadonlySet<string>;
  /** UTC `YYYY-MM-DD HH:mm:ss` stamped into the computed-on column with every change. */
  computedOn: string;
}

export interface PushStageResult {
  /** Services whose owned columns already hold the values. */
  unchanged: number;
  /** How many writes were planned (sent unless dry run). */
  planned: number;
  /** Services whose wanted values were compared with the instance's (the plan's scope, retired ones excepted). */
  compared: number;
  /** In a dry run, the first PLAN_KEPT planned writes, to show; empty otherwise. */
  writes: PlannedWrite[];
  conflicts: Conflict[];
  /** Writes left pending by an earlier run that were found applied on the instance. */
  recovered: number;
  /** Writes left pending by an earlier run that are no longer needed. */
  dropped: number;
  /** What sending did (absent in a dry run, or when nothing was to be written). */
  sent?: SendWritesResult;
}

type PlanService = PlanInput["services"] extends Iterable<infer S> ? S : never;

/** Services planned per step, and pending writes sent per step: what the push holds in memory at once. */
const CHUNK = 2000;

function* planServices(
  services: readonly Service[],
  estimates: EstimateRepository,
  outbox: OutboxRepository,
  remote?: ReadonlyMap<string, Record<string, string>>,
): Generator<PlanService> {
  const wanted = services.filter((s) => !s.retired && (remote === undefined || remote.has(s.sysId)));
  // The chunk's year views and last written values in one query each, not two per service.
  const sysIds = wanted.map((s) => s.sysId);
  const views = estimates.yearViewsOf(sysIds);
  const lastWritten = outbox.lastWrittenOf(sysIds);
  for (const s of wanted) {
    const stored = views.get(s.sysId);
    if (!stored) continue;
    const view: ServiceYearView = stored.view;
    yield { sysId: s.sysId, owned: remote?.get(s.sysId) ?? s.owned, view, lastWritten: lastWritten.get(s.sysId) ?? {} };
  }
}

/** Where the plan's inputs were last accounted for: the owned columns and their types (the plan depends on them). */
const PLAN_CONFIG_KEY = "planConfig";

/** Bumped when planning itself changes (formats, comparisons): every service is then compared again once. */
const PLAN_LOGIC_VERSION = 1;

function planConfigKey(config: EmpreinteConfig, columnTypes: ReadonlyMap<string, ColumnType>): string {
  const columns = [...columnTypes].sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify({ version: PLAN_LOGIC_VERSION, owned: config.owned, columns });
}

/**
 * The services to plan: the named ones (`only`), or those whose plan may have changed since the last plan
 * (src/store/plan-inputs.ts), or undefined for all of them: a first plan, --force, other owned columns or column
 * types, a cache changed wholesale, or a scope past a tenth of the catalogue (reading it in chunks is then cheaper).
 */
function planScope(
  db: Database.Database,
  cache: CacheRepository,
  options: PushStageOptions,
  configKey: string,
): ReadonlySet<string> | undefined {
  if (options.only !== undefined) return options.only;
  if (options.force || cache.getMeta(PLAN_CONFIG_KEY) !== configKey) return undefined;
  const scope = new PlanInputs(db).scope(new EstimateInputs(db).state().kind === "all");
  if (scope.kind === "all") return undefined;
  const counts = cache.serviceCounts();
  return scope.sysIds.length > Math.max(1, 0.1 * (counts.live - counts.retired)) ? undefined : new Set(scope.sysIds);
}

/** After the plan is persisted, in one fenced transaction: nothing is left to plan until something changes. */
function accountForPlan(db: Database.Database, cache: CacheRepository, fencingToken: number, configKey: string): void {
  db.transaction(() => {
    new Lease(db).assertHeld(fencingToken);
    new PlanInputs(db).accountedFor();
    cache.setMeta(PLAN_CONFIG_KEY, configKey);
  }).immediate();
}

/** The live services to plan, in chunks of CHUNK: all of them, or the named ones. */
function* serviceChunks(cache: CacheRepository, only: ReadonlySet<string> | undefined): Generator<Service[]> {
  if (only !== undefined) {
    const named = [...only]
      .map((id) => cache.getService(id))
      .filter((s): s is Service => s !== undefined && !cache.isTombstoned("services", s.sysId));
    for (let i = 0; i < named.length; i += CHUNK) yield named.slice(i, i + CHUNK);
    return;
  }
  let after = "";
  for (;;) {
    const chunk = cache.servicesAfter(after, CHUNK);
    if (chunk.length === 0) return;
    yield chunk;
    after = chunk[chunk.length - 1]?.sysId ?? after;
  }
}

function addSent(into: SendWritesResult | undefined, from: SendWritesResult): SendWritesResult {
  if (!into) return from;
  return {
    written: into.written + from.written,
    notFound: into.notFound + from.notFound,
    failed: [...into.failed, ...from.failed],
    readBacks: into.readBacks + from.readBacks,
    unservicedResent: into.unservicedResent + from.unservicedResent,
  };
}

export async function runPushStage(deps: PushStageDeps, options: PushStageOptions): Promise<PushStageResult> {
  const { db, config, client, clock, log, fencingToken, columnTypes } = deps;
  const table = config.catalogue.table;
  const cache = new CacheRepository(db);
  const estimates = new EstimateRepository(db);
  const outbox = new OutboxRepository(db);
  const ownedColumns = Object.values(config.owned);

  // 1. Writes an earlier run left pending: applied already (the crash came after the instance answered)?
  let recovered = 0;
  for (let after = 0; ; ) {
    const pending = outbox.pendingAfter(after, CHUNK);
    if (pending.length === 0) break;
    after = pending[pending.length - 1]?.id ?? after;
    const remote = options.remoteFresh
      ? undefined
      : await readOwnedValues(client, table, [...new Set(pending.map((e) => e.sysId))], ownedColumns);
    const applied = pending.filter((e) => {
      const values = remote ? remote.get(e.sysId) : cache.getService(e.sysId)?.owned;
      return (
        values !== undefined &&
        Object.entries(e.fields).every(([c, v]) =>
          sameColumnValue(values[c] ?? "", v, columnTypes.get(c) ?? { type: "string" }),
        )
      );
    });
    outbox.markDoneMany(applied, fencingToken, clock.nowMs());
    recovered += applied.length;
  }
  if (recovered > 0) log.info({ recovered }, `${recovered} writes of an interrupted run were found applied`);

  // 2. The plan, chunk by chunk, from the cache's remote values (or, for a push alone, from the records read again
  // now), each chunk persisted before anything is sent. A dry run keeps the first PLAN_KEPT writes to show.
  const base = { owned: config.owned, columns: columnTypes, computedOn: options.computedOn, force: options.force };
  const result: PushStageResult = {
    unchanged: 0,
    writes: [],
    planned: 0,
    compared: 0,
    conflicts: [],
    recovered,
    dropped: 0,
  };
  // Conflicts open before this plan, and those of their records the plan writes: the only planned records the
  // closing of stale conflicts below needs (the plan's own conflicts stand). Not every planned sys_id: memory stays
  // flat as the catalogue grows (DESIGN.md §4, Efficiency).
  const openBefore = new Set(outbox.openConflicts().map((c) => c.sysId));
  const plannedSysIds = new Set<string>();
  const configKey = planConfigKey(config, columnTypes);
  const scope = planScope(db, cache, options, configKey);
  for (const chunk of serviceChunks(cache, scope)) {
    result.compared += chunk.filter((s) => !s.retired).length;
    let plan: WritePlan = planWrites({ ...base, services: planServices(chunk, estimates, outbox) });
    if (!options.remoteFresh && (plan.writes.length > 0 || plan.conflicts.length > 0)) {
      const candidates = new Set([...plan.writes.map((w) => w.sysId), ...plan.conflicts.map((c) => c.sysId)]);
      const remote = await readOwnedValues(client, table, [...candidates], ownedColumns);
      const again = planWrites({
        ...base,
        services: planServices(
          chunk.filter((s) => candidates.has(s.sysId)),
          estimates,
          outbox,
          remote,
        ),
      });
      // Candidates the instance did not return are gone or hidden: the next pull tombstones them.
      plan = { writes: again.writes, conflicts: again.conflicts, unchanged: plan.unchanged + again.unchanged };
    }
    result.unchanged += plan.unchanged;
    result.planned += plan.writes.length;
    result.conflicts.push(...plan.conflicts);
    for (const w of plan.writes) if (openBefore.has(w.sysId)) plannedSysIds.add(w.sysId);
    if (options.dryRun) {
      if (result.writes.length < PLAN_KEPT)
        result.writes.push(...plan.writes.slice(0, PLAN_KEPT - result.writes.length));
    } else outbox.enqueue(plan, deps.runId, fencingToken, clock.nowMs());
  }

  if (scope !== undefined && options.only === undefined) {
    // Services outside the scope were found unchanged by an earlier plan and nothing of theirs changed since.
    const counts = cache.serviceCounts();
    result.unchanged += Math.max(0, counts.live - counts.retired - result.compared);
  }
  // The plan is persisted: what it was made from is accounted for (a dry run persists nothing, a plan of named
  // services only covers them). A run stopped before this line plans the same services again.
  if (!options.dryRun && options.only === undefined) {
    accountForPlan(db, cache, fencingToken, configKey);
  }

  // Conflicts that no longer stand (a human put our value back, or --force wrote over it) are closed.
  const standing = new Set(result.conflicts.map((c) => `${c.sysId}\u0000${c.column}`));
  const stale = outbox
    .openConflicts()
    .filter((c) => !standing.has(`${c.sysId}\u0000${c.column}`) && (options.only?.has(c.sysId) ?? true))
    .filter((c) => !plannedSysIds.has(c.sysId) || options.force);
  if (!options.dryRun) outbox.resolveConflicts(stale, fencingToken, clock.nowMs());

  for (const c of result.conflicts) {
    log.warn(
      { sysId: c.sysId, column: c.column, remote: c.remote, lastWritten: c.lastWritten, wanted: c.wanted },
      `conflict: ${table} ${c.sysId} ${c.column} was changed on the instance to "${c.remote}" (empreinte wrote ` +
        `"${c.lastWritten}"); kept. Run with --force to overwrite it with "${c.wanted}".`,
    );
  }
  if (options.dryRun) return result;

  // 3. Earlier pending writes the new plan does not repeat are no longer needed; then send, a page at a time.
  result.dropped = outbox.supersedeOlderPending(deps.runId, fencingToken, clock.nowMs());
  const total = outbox.pendingCount();
  let settledBefore = 0;
  for (let after = 0; ; ) {
    const page = outbox.pendingAfter(after, CHUNK);
    if (page.length === 0) break;
    after = page[page.length - 1]?.id ?? after;
    const sent = await sendWrites(
      {
        client,
        outbox,
        cache,
        clock,
        log,
        fencingToken,
        table,
        mode: config.sync.pushMode,
        batchSize: config.sync.batchSize,
        concurrency: config.instances[config.catalogue.instance]?.maxConcurrent ?? 4,
        ...(deps.signal ? { signal: deps.signal } : {}),
        onSettled: (settled) => deps.onSettled?.(settledBefore + settled, total),
      },
      page,
    );
    settledBefore += page.length;
    result.sent = addSent(result.sent, sent);
  }
  return result;
}

// Which of the cache's estimation inputs (live services and usage months) changed since the last estimate. The store
// records it in the same transaction as the change itself (a page that wrote rows, a staged merge, a tombstone), so no
// write path can forget it; the estimate stage clears it once its estimates are stored (src/sync/reuse-estimates.ts).
//
// The meta flag says how much is known:
// - "0": nothing changed since the last estimate;
// - "1": the services listed in estimate_dirty changed (a service row written or tombstoned, or a usage row of theirs);
// - "all", or absent (a new cache, or one made before this flag): anything may have changed (a staged first load
//   merges rows by the hundred thousand without listing them).
import type Database from "better-sqlite3";
import { ChangedServices } from "./changed-services.js";

export const ESTIMATE_INPUTS_CHANGED_KEY = "estimateInputsChanged";

export type EstimateInputsState = { kind: "unchanged" } | { kind: "services"; count: number } | { kind: "all" };

/** Records, inside the caller's transaction, that these services' inputs changed. */
export class EstimateInputs {
  readonly #list: ChangedServices;

  constructor(db: Database.Database) {
    this.#list = new ChangedServices(db, "estimate_dirty", ESTIMATE_INPUTS_CHANGED_KEY);
  }

  /** These services' inputs changed. Once "all" is recorded, single services are not listed any more. */
  changed(serviceSysIds: Iterable<string>): void {
    this.#list.changed(serviceSysIds);
  }

  /** Anything may have changed (a staged merge): the next estimate covers every service. */
  changedAll(): void {
    this.#list.changedAll();
  }

  /** The estimate just stored accounts for every change so far. */
  accountedFor(): void {
    this.#list.accountedFor();
  }

  state(): EstimateInputsState {
    const flag = this.#list.flag();
    if (flag === "0") return { kind: "unchanged" };
    if (flag === "1") return { kind: "services", count: this.#list.count() };
    return { kind: "all" };
  }

  /** The services listed as changed, in sys_id order. */
  changedServices(): string[] {
    return this.#list.list();
  }
}

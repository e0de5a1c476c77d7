// Which services' write plans may have changed since the last push planned them. The push compares a service's
// wanted values (its year view, formatted) with the instance's (the cached owned columns) and with what empreinte
// last wrote; the answer can only change when one of those does. The store records it where they change, in the
// same transaction:
// - estimates stored for some services (EstimateRepository.replaceSome) list them; all estimates replaced (a full
//   estimate: a new month, another factor set) say "all";
// - a write the instance refused lists its service, so that the next run tries it again as a full plan would;
// - a cached service row changed by a pull is in estimate_dirty until the estimate accounts for it (estimate-inputs.ts);
// - open conflicts and pending writes are planned again every run.
// The push plans that scope (`scope()`), then `accountedFor()`. Whatever is not in it was found unchanged by an
// earlier plan and has not changed since.
//
// The meta flag says how much is known: "0" nothing changed since the last plan, "1" the services in plan_dirty,
// "all" or absent (a new cache, or one made before this table): every service is planned.
import type Database from "better-sqlite3";
import { ChangedServices } from "./changed-services.js";

export const PLAN_INPUTS_CHANGED_KEY = "planInputsChanged";

export type PlanScope = { kind: "all" } | { kind: "services"; sysIds: string[] };

export class PlanInputs {
  readonly #list: ChangedServices;
  readonly #scope: Database.Statement<[], { sys_id: string }>;

  constructor(db: Database.Database) {
    this.#list = new ChangedServices(db, "plan_dirty", PLAN_INPUTS_CHANGED_KEY);
    this.#scope = db.prepare(
      `SELECT service_sys_id AS sys_id FROM plan_dirty
       UNION SELECT service_sys_id FROM estimate_dirty
       UNION SELECT sys_id FROM conflicts WHERE resolved_at IS NULL
       UNION SELECT sys_id FROM outbox WHERE state = 'pending'
       ORDER BY 1`,
    );
  }

  /** These services' plans may have changed (inside the caller's transaction). */
  changed(serviceSysIds: Iterable<string>): void {
    this.#list.changed(serviceSysIds);
  }

  /** Every service's plan may have changed (all estimates replaced). */
  changedAll(): void {
    this.#list.changedAll();
  }

  /**
   * What the next push must plan: every service, or the listed ones (plus those whose cached row or usage changed
   * and are not estimated yet, those with an open conflict and those with a pending write).
   * `estimateInputsAll`: the estimate flag says anything may have changed (a staged load not estimated yet).
   */
  scope(estimateInputsAll: boolean): PlanScope {
    if (this.#list.flag() === "all" || estimateInputsAll) return { kind: "all" };
    return { kind: "services", sysIds: this.#scope.all().map((r) => r.sys_id) };
  }

  /** The plan just persisted accounts for every change listed so far. */
  accountedFor(): void {
    this.#list.accountedFor();
  }
}

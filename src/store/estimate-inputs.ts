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

export const ESTIMATE_INPUTS_CHANGED_KEY = "estimateInputsChanged";

export type EstimateInputsState = { kind: "unchanged" } | { kind: "services"; count: number } | { kind: "all" };

/** Records, inside the caller's transaction, that these services' inputs changed. */
export class EstimateInputs {
  readonly #flag: Database.Statement<[string], { value: string }>;
  readonly #setFlag: Database.Statement<[string, string]>;
  readonly #mark: Database.Statement<[string]>;
  readonly #clear: Database.Statement<[]>;
  readonly #count: Database.Statement<[], { n: number }>;
  readonly #list: Database.Statement<[], { service_sys_id: string }>;

  constructor(db: Database.Database) {
    this.#flag = db.prepare("SELECT value FROM meta WHERE key = ?");
    this.#setFlag = db.prepare(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    );
    this.#mark = db.prepare("INSERT OR IGNORE INTO estimate_dirty (service_sys_id) VALUES (?)");
    this.#clear = db.prepare("DELETE FROM estimate_dirty");
    this.#count = db.prepare("SELECT count(*) AS n FROM estimate_dirty");
    this.#list = db.prepare("SELECT service_sys_id FROM estimate_dirty ORDER BY service_sys_id");
  }

  /** These services' inputs changed. Once "all" is recorded, single services are not listed any more. */
  changed(serviceSysIds: Iterable<string>): void {
    const flag = this.#flag.get(ESTIMATE_INPUTS_CHANGED_KEY)?.value;
    if (flag === undefined || flag === "all") return;
    let any = false;
    for (const sysId of serviceSysIds) {
      this.#mark.run(sysId);
      any = true;
    }
    if (any && flag !== "1") this.#setFlag.run(ESTIMATE_INPUTS_CHANGED_KEY, "1");
  }

  /** Anything may have changed (a staged merge): the next estimate covers every service. */
  changedAll(): void {
    this.#setFlag.run(ESTIMATE_INPUTS_CHANGED_KEY, "all");
    this.#clear.run();
  }

  /** The estimate just stored accounts for every change so far. */
  accountedFor(): void {
    this.#clear.run();
    this.#setFlag.run(ESTIMATE_INPUTS_CHANGED_KEY, "0");
  }

  state(): EstimateInputsState {
    const flag = this.#flag.get(ESTIMATE_INPUTS_CHANGED_KEY)?.value;
    if (flag === "0") return { kind: "unchanged" };
    if (flag === "1") return { kind: "services", count: this.#count.get()?.n ?? 0 };
    return { kind: "all" };
  }

  /** The services listed as changed, in sys_id order. */
  changedServices(): string[] {
    return this.#list.all().map((r) => r.service_sys_id);
  }
}

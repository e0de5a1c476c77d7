// A list of services changed since some consumer last accounted for them, kept in its own table and recorded in the
// same transaction as each change, with a meta flag that says how much is known: "0" nothing changed, "1" the listed
// services, "all" or absent (a new cache, or one made before the table) anything may have changed. The estimate's
// inputs (estimate-inputs.ts) and the write plan's (plan-inputs.ts) are two such lists.
import type Database from "better-sqlite3";

export type ChangedServicesFlag = "0" | "1" | "all";

export class ChangedServices {
  readonly #flagKey: string;
  readonly #flag: Database.Statement<[string], { value: string }>;
  readonly #setFlag: Database.Statement<[string, string]>;
  readonly #mark: Database.Statement<[string]>;
  readonly #clear: Database.Statement<[]>;
  readonly #count: Database.Statement<[], { n: number }>;
  readonly #list: Database.Statement<[], { service_sys_id: string }>;

  /** `table`: one TEXT PRIMARY KEY column `service_sys_id` (a constant of the callers, never user input). */
  constructor(db: Database.Database, table: "estimate_dirty" | "plan_dirty", flagKey: string) {
    this.#flagKey = flagKey;
    this.#flag = db.prepare("SELECT value FROM meta WHERE key = ?");
    this.#setFlag = db.prepare(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    );
    this.#mark = db.prepare(`INSERT OR IGNORE INTO ${table} (service_sys_id) VALUES (?)`);
    this.#clear = db.prepare(`DELETE FROM ${table}`);
    this.#count = db.prepare(`SELECT count(*) AS n FROM ${table}`);
    this.#list = db.prepare(`SELECT service_sys_id FROM ${table} ORDER BY service_sys_id`);
  }

  flag(): ChangedServicesFlag {
    const value = this.#flag.get(this.#flagKey)?.value;
    return value === "0" || value === "1" ? value : "all";
  }

  /** These services changed (inside the caller's transaction). Once "all" is recorded, none is listed any more. */
  changed(serviceSysIds: Iterable<string>): void {
    const flag = this.flag();
    if (flag === "all") return;
    let any = false;
    for (const sysId of serviceSysIds) {
      this.#mark.run(sysId);
      any = true;
    }
    if (any && flag !== "1") this.#setFlag.run(this.#flagKey, "1");
  }

  /** Anything may have changed. */
  changedAll(): void {
    this.#setFlag.run(this.#flagKey, "all");
    this.#clear.run();
  }

  /** The consumer has just accounted for every change so far. */
  accountedFor(): void {
    this.#clear.run();
    this.#setFlag.run(this.#flagKey, "0");
  }

  count(): number {
    return this.#count.get()?.n ?? 0;
  }

  /** The listed services, in sys_id order. */
  list(): string[] {
    return this.#list.all().map((r) => r.service_sys_id);
  }
}

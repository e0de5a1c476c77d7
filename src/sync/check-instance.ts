// `empreinte check`: can the connector work against the configured instance(s)? An ordered list of checks, each
// with what it found and, when it failed, what to do (DESIGN.md §2 "check"). It changes nothing on the instance:
// reads, plus one write probe that PATCHes a catalogue record with the values it already holds. On ServiceNow an
// update that changes no value is skipped (GlideRecord.update() writes nothing, sys_mod_count and sys_updated_on
// stay; the dev instance does the same, record-store.ts `noOpUpdate: "skip"`), while the ACLs are still evaluated:
// a 403 means no write right. The probe's window is the time between its read and its PATCH (milliseconds): a
// human edit of an owned column landing exactly then would be reverted, a risk we accept on columns only the
// connector should write.
import type { EmpreinteConfig } from "../config/config-schema.js";
import type { OwnedFields } from "../config/owned-fields-schema.js";
import type { Clock } from "../lib/clock.js";
import { type ErrorKind, isConnectorError } from "../lib/connector-error.js";
import { baseFilter, isSysId, joinQuery, orderBy } from "../servicenow/encoded-query.js";
import type { ListPage, ServiceNowClient } from "../servicenow/table-client.js";
import { connectInstance } from "./connect-instance.js";
import { columnsToCreate, describeColumnType, OWNED_COLUMN_SPECS } from "./create-owned-columns.js";
import { type ColumnTypes, readColumnTypes } from "./read-column-types.js";

export interface Check {
  name: string;
  ok: boolean;
  /** What was found, for the operator. */
  detail: string;
  /** What to do about a failure. */
  fix?: string;
  /** Of a failure: decides the exit code (exitCodeFor). */
  kind?: ErrorKind;
}

export interface CheckReport {
  ok: boolean;
  checks: Check[];
  /** The kind of the first failed check: the exit code follows it (0 when none failed). */
  failure?: ErrorKind;
}

export interface CheckDeps {
  clock: Clock;
  signal?: AbortSignal;
  /** Clients by instance name (tests); built from the configuration otherwise. */
  clients?: ReadonlyMap<string, ServiceNowClient>;
  /** Where the configuration came from, for the first check's detail. */
  configSource?: string;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: Error };

async function attempt<T>(fn: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    if (!isConnectorError(error)) throw error;
    return { ok: false, error };
  }
}

function kindOf(error: Error): ErrorKind {
  return isConnectorError(error) ? error.kind : "internal";
}

function statusOf(error: Error): number | undefined {
  return isConnectorError(error) ? error.status : undefined;
}

/**
 * True when the first request's failure still proves the instance authenticated it: a 403 (an ACL was evaluated)
 * or a 400 (the table or query was judged). Anything else but a 401 means it did not answer usably: no answer at
 * all (refused, DNS, TLS, timeout), 5xx or an HTML page, a redirect to an SSO gateway, a 429.
 */
function authenticatedAnyway(error: Error): boolean {
  const status = statusOf(error);
  return status === 403 || status === 400;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * `check` is interactive: an instance that does not answer should say so in seconds, not after the run's five
 * backoffs. One retry still rides out a single dropped connection.
 */
function checkConfig(config: EmpreinteConfig): EmpreinteConfig {
  const instances = Object.fromEntries(
    Object.entries(config.instances).map(([name, instance]) => [
      name,
      { ...instance, retries: Math.min(instance.retries, 1) },
    ]),
  );
  return { ...config, instances };
}

function readPage(client: ServiceNowClient, table: string, query: string | undefined, fields: readonly string[]) {
  return client.listPage(table, {
    query: joinQuery(baseFilter(query), orderBy("sys_id")),
    fields,
    // A few rows, not one: an ACL may hide the first as `{}` (§0 fact 20).
    limit: 5,
  });
}

function firstRecord(page: ListPage): Record<string, unknown> | undefined {
  return page.records.find(
    (r): r is Record<string, unknown> =>
      typeof r === "object" && r !== null && isSysId((r as { sys_id?: unknown }).sys_id),
  );
}

class Report {
  readonly checks: Check[] = [];

  pass(name: string, detail: string): void {
    this.checks.push({ name, ok: true, detail });
  }

  fail(name: string, detail: string, fix: string, kind: ErrorKind): void {
    this.checks.push({ name, ok: false, detail, fix, kind });
  }

  result(): CheckReport {
    const failed = this.checks.find((c) => !c.ok);
    return { ok: failed === undefined, checks: this.checks, ...(failed?.kind ? { failure: failed.kind } : {}) };
  }
}

/**
 * Reachability and authentication of one instance, read off its first request. Returns false when the remaining
 * checks of that instance cannot run.
 */
function connection(
  report: Report,
  config: EmpreinteConfig,
  name: string,
  outcome: Outcome<ListPage>,
  client: ServiceNowClient,
): boolean {
  const instance = config.instances[name];
  const label = `"${name}" (${client.baseUrl})`;
  const how = instance?.auth.kind === "oauth" ? "OAuth" : "Basic";
  const refused = !outcome.ok && kindOf(outcome.error) === "auth";
  if (!outcome.ok && !refused && !authenticatedAnyway(outcome.error)) {
    report.fail(
      "instance reachable",
      `instance ${label} did not answer usably: ${outcome.error.message}`,
      kindOf(outcome.error) === "rate_limited"
        ? "wait for the rate-limit window to end, then run the check again."
        : "check the instance URL (SN_INSTANCE_URL or instances.<name>.url), the network path and proxy, and that " +
            "the instance is awake (a hibernating developer instance answers with an HTML page).",
      kindOf(outcome.error),
    );
    return false;
  }
  report.pass("instance reachable", `instance ${label} answered`);
  if (!outcome.ok && refused) {
    report.fail(
      "authentication",
      `${how} credentials refused: ${outcome.error.message}`,
      how === "OAuth"
        ? "check SN_CLIENT_ID and SN_CLIENT_SECRET (and SN_USERNAME/SN_PASSWORD for the password grant) against the " +
            "instance's Application Registry entry."
        : "check SN_USERNAME and SN_PASSWORD, and that the integration user is active and not locked out.",
      "auth",
    );
    return false;
  }
  report.pass("authentication", `${how} credentials accepted`);
  return true;
}

function readCheck(report: Report, what: string, table: string, outcome: Outcome<ListPage>): void {
  const name = `read ${what} (${table})`;
  if (outcome.ok) {
    const n = outcome.value.records.length;
    report.pass(
      name,
      n === 0 ? "readable; no record matches the configured query" : `readable (${plural(n, "record")} read)`,
    );
    return;
  }
  const { error } = outcome;
  const kind = kindOf(error);
  const fix =
    kind === "permission" || statusOf(error) === 403
      ? `ask the instance admin to give the integration user read access to ${table} (and to sys_id and ` +
        "sys_updated_on, which the cursor queries by)."
      : `check the ${what} table name and its query in the configuration (${what === "catalogue" ? "catalogue" : "usage"}.table, .query).`;
  report.fail(name, error.message, fix, kind);
}

function rateLimitCheck(report: Report, pages: readonly ListPage[]): void {
  const seen = pages.map((p) => p.rateLimit).find((r) => r !== undefined);
  if (seen === undefined) {
    report.pass("rate-limit headers", "none seen: no rate-limit rule applies to this user (information only)");
    return;
  }
  const parts = [
    seen.limitPerHour === undefined ? undefined : `${seen.limitPerHour} requests per hour`,
    seen.rule === undefined ? undefined : `rule "${seen.rule}"`,
    seen.resetEpochS === undefined ? undefined : `window resets at ${new Date(seen.resetEpochS * 1000).toISOString()}`,
  ].filter((p) => p !== undefined);
  report.pass(
    "rate-limit headers",
    `a rate-limit rule applies: ${parts.join(", ")} (information only; the connector paces itself on them)`,
  );
}

function ownedColumnsCheck(report: Report, config: EmpreinteConfig, outcome: Outcome<ColumnTypes>): string[] {
  const table = config.catalogue.table;
  const name = `owned columns on ${table}`;
  if (!outcome.ok) {
    const { error } = outcome;
    const kind = kindOf(error);
    report.fail(
      name,
      error.message,
      kind === "permission"
        ? "ask the instance admin to give the integration user read access to sys_db_object and sys_dictionary."
        : kind === "config"
          ? "check catalogue.table in the configuration."
          : "run the check again; if it keeps failing, look at the instance's health.",
      kind,
    );
    return [];
  }
  const { types, missing, chain } = outcome.value;
  const present = Object.values(config.owned).filter((c) => types.has(c));
  if (missing.length === 0) {
    report.pass(name, `all ${present.length} present (table hierarchy ${chain.join(" → ")})`);
    return present;
  }
  const wanted = columnsToCreate(config, missing)
    .map((t) => `${t.column} (${describeColumnType(t.spec)})`)
    .join(", ");
  report.fail(
    name,
    `missing: ${missing.join(", ")} (searched sys_dictionary on ${chain.join(", ")})`,
    `run \`empreinte setup --create-columns\` as an admin, or ask the instance admin to create ${wanted} on ${table}. ` +
      "If they do exist, the integration user may lack read access to sys_dictionary.",
    "config",
  );
  return present;
}

/** The owned columns of `config` with their intended type, for messages: "u_x (decimal, scale 2)". */
function ownedLabel(config: EmpreinteConfig, column: string): string {
  const entry = (Object.entries(config.owned) as Array<[keyof OwnedFields, string]>).find(([, c]) => c === column);
  return entry === undefined ? column : `${column} (${describeColumnType(OWNED_COLUMN_SPECS[entry[0]])})`;
}

async function writeProbe(
  report: Report,
  config: EmpreinteConfig,
  client: ServiceNowClient,
  columns: readonly string[],
): Promise<void> {
  const table = config.catalogue.table;
  const name = "write permission on owned columns";
  // Read just before the PATCH, so the values sent are the ones the record holds now.
  const read = await attempt(() => readPage(client, table, config.catalogue.query, columns));
  if (!read.ok) {
    report.fail(
      name,
      `could not read a record to probe: ${read.error.message}`,
      "fix the read check above first.",
      kindOf(read.error),
    );
    return;
  }
  const record = firstRecord(read.value);
  if (record === undefined) {
    report.pass(name, `not verified: no record of ${table} matches the configured query`);
    return;
  }
  const sysId = String(record.sys_id);
  const same = (subset: readonly string[]) =>
    Object.fromEntries(subset.map((c) => [c, typeof record[c] === "string" ? (record[c] as string) : ""]));
  const patch = (subset: readonly string[]) =>
    attempt(() => client.patchRecord(table, sysId, same(subset), { echoFields: [] }));
  const all = await patch(columns);
  if (all.ok) {
    const before = String(record.sys_mod_count ?? "");
    const after = String(all.value.sys_mod_count ?? "");
    report.pass(
      name,
      before === after
        ? `PATCH of ${table}/${sysId} with the values it already holds accepted; nothing was written (sys_mod_count stayed ${before})`
        : `PATCH of ${table}/${sysId} with the values it already holds accepted; the instance counted an update (sys_mod_count ${before} → ${after})`,
    );
    return;
  }
  if (kindOf(all.error) !== "permission") {
    report.fail(
      name,
      `the probe PATCH of ${table}/${sysId} failed: ${all.error.message}`,
      "run the check again.",
      kindOf(all.error),
    );
    return;
  }
  // One no-op PATCH per column names the denied ones (a field ACL refuses the whole request).
  const denied: string[] = [];
  for (const column of columns) {
    const one = await patch([column]);
    if (!one.ok && kindOf(one.error) === "permission") denied.push(column);
  }
  const which = denied.length === 0 || denied.length === columns.length ? columns : denied;
  report.fail(
    name,
    `the instance refused to write ${which.join(", ")} on ${table} (HTTP 403; the probe wrote the values the record ` +
      "already holds, so nothing changed)",
    `ask the instance admin to give the integration user write access to ${which.map((c) => ownedLabel(config, c)).join(", ")} ` +
      `on ${table} (a role such as itil, or field ACLs on ${table}.<column>).`,
    "permission",
  );
}

export async function checkInstance(config: EmpreinteConfig, deps: CheckDeps): Promise<CheckReport> {
  const report = new Report();
  const names = [...new Set([config.catalogue.instance, config.usage.instance])];
  // The queries are sent as written; one the keyset reader would refuse is a configuration problem, not the instance's.
  const badQueries = [config.catalogue.query, config.usage.query].flatMap((query) => {
    try {
      baseFilter(query);
      return [];
    } catch (err) {
      return [(err as Error).message];
    }
  });
  if (badQueries.length > 0) {
    report.fail(
      "configuration valid",
      badQueries.join(" "),
      "fix catalogue.query / usage.query, then run `empreinte config validate`.",
      "config",
    );
    return report.result();
  }
  report.pass(
    "configuration valid",
    `${deps.configSource ?? "loaded"}; ${plural(names.length, "instance")} used (${names.join(", ")})`,
  );
  const forCheck = checkConfig(config);
  const clientOf = (name: string) =>
    deps.clients?.get(name) ??
    connectInstance(forCheck, name, { clock: deps.clock, ...(deps.signal ? { signal: deps.signal } : {}) });
  const catalogueClient = clientOf(config.catalogue.instance);
  const usageClient =
    config.usage.instance === config.catalogue.instance ? catalogueClient : clientOf(config.usage.instance);

  const catalogue = await attempt(() => readPage(catalogueClient, config.catalogue.table, config.catalogue.query, []));
  if (!connection(report, config, config.catalogue.instance, catalogue, catalogueClient)) return report.result();
  readCheck(report, "catalogue", config.catalogue.table, catalogue);

  const usage = await attempt(() => readPage(usageClient, config.usage.table, config.usage.query, []));
  if (usageClient !== catalogueClient && !connection(report, config, config.usage.instance, usage, usageClient)) {
    return report.result();
  }
  readCheck(report, "usage", config.usage.table, usage);
  rateLimitCheck(
    report,
    [catalogue, usage].flatMap((o) => (o.ok ? [o.value] : [])),
  );

  const owned = Object.values(config.owned);
  const types = await attempt(() => readColumnTypes(catalogueClient, config.catalogue.table, owned));
  const present = ownedColumnsCheck(report, config, types);
  if (catalogue.ok && present.length > 0) await writeProbe(report, config, catalogueClient, present);
  return report.result();
}

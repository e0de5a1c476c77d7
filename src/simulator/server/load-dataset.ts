// Fills the record store with the seeded dataset: table metadata (sys_db_object, sys_dictionary), the integration
// user, then the generated users, groups, services and usage rows, streamed so that 100,000 services × 24 months
// never sit in the heap at once.
import { createHash } from "node:crypto";
import { generateDataset } from "../data/generate-dataset.js";
import { metadataRecords } from "../schema/metadata-records.js";
import type { SchemaRegistry } from "../schema/schema-registry.js";
import type { RecordStore } from "../store/record-store.js";

export interface DatasetOptions {
  seed: number;
  services: number;
  months: number;
  anchorMonth: string;
}

export interface LoadedCounts {
  [table: string]: number;
}

/** The first instant of the anchor month minus one day: when metadata and the integration user were "created". */
function setupTime(anchorMonth: string, yearsBack: number): string {
  const [y, m] = anchorMonth.split("-").map(Number) as [number, number];
  return `${y - yearsBack}-${String(m).padStart(2, "0")}-01 08:00:00`;
}

/** The users that log in (the integration user, then any extra users), as `sys_user` rows. */
export interface AccountUsers {
  integrationUser: string;
  /** Extra Basic-auth users (DevInstanceOptions.extraUsers). */
  extraUsers?: readonly string[];
  /** `sys_user.time_zone` of these accounts: the zone display values are rendered in (§0 fact 4). */
  timeZone: string;
}

function accountRecord(sysId: string, userName: string, first: string, last: string, created: string, tz: string) {
  return {
    sys_id: sysId,
    sys_class_name: "sys_user",
    sys_created_on: created,
    sys_created_by: "admin",
    sys_updated_on: created,
    sys_updated_by: "admin",
    sys_mod_count: "0",
    user_name: userName,
    first_name: first,
    last_name: last,
    name: `${first} ${last}`.trim(),
    email: "",
    active: "true",
    time_zone: tz,
  };
}

export function loadDataset(
  store: RecordStore<SchemaRegistry>,
  options: DatasetOptions,
  accounts: AccountUsers,
): LoadedCounts {
  const counts: LoadedCounts = {};
  const created = setupTime(options.anchorMonth, 5);
  const meta = metadataRecords(store.schema, created);
  counts.sys_db_object = store.bulkLoad("sys_db_object", meta.sysDbObject);
  counts.sys_dictionary = store.bulkLoad("sys_dictionary", meta.sysDictionary);
  const data = generateDataset(options);
  counts.sys_user = store.bulkLoad("sys_user", [
    accountRecord(
      "e1e1f79cc0a8016401c5a33be04be441",
      accounts.integrationUser,
      "Intégration",
      "empreinte",
      created,
      accounts.timeZone,
    ),
    // Extra accounts get a sys_id derived from their name, so a restart gives them the same one.
    ...(accounts.extraUsers ?? []).map((name) =>
      accountRecord(
        createHash("md5").update(`sys_user:${name}`).digest("hex"),
        name,
        name,
        "",
        created,
        accounts.timeZone,
      ),
    ),
  ]);
  counts.sys_user += store.bulkLoad("sys_user", data.users());
  counts.sys_user_group = store.bulkLoad("sys_user_group", data.groups());
  counts.cmdb_ci_service_business = store.bulkLoad("cmdb_ci_service_business", data.services());
  counts.u_digital_service_usage = store.bulkLoad("u_digital_service_usage", data.usage());
  return counts;
}

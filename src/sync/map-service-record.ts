// Catalogue record (raw strings) → Service. A record whose required fields are invalid is not dropped: the caller
// quarantines it with the reason returned here, and the rest of the page carries on (DESIGN.md §4 invariant 3).
import type { CatalogueFields } from "../config/catalogue-schema.js";
import type { DeclaredHosting, HostingMode, Service } from "../domain/service.js";
import { displayNameKey } from "../store/reference-names.js";
import { FieldProblem, type RawRecord, readDateTime, readNumber, readString, readSysId } from "./read-field.js";

export type MapResult<T> = { ok: true; value: T } | { ok: false; sysId: string; reason: string };

export interface ServiceMapping {
  fields: CatalogueFields;
  retiredStatuses: readonly string[];
  /** Target columns of the owned footprint fields, whose remote values the cache keeps for conflict detection. */
  ownedColumns: readonly string[];
}

const MODES: ReadonlySet<string> = new Set(["vcpu", "server", "unknown"]);

function hosting(raw: RawRecord, f: CatalogueFields): DeclaredHosting {
  const modeRaw = f.hostingMode === null ? "" : readString(raw, f.hostingMode).toLowerCase();
  if (modeRaw !== "" && !MODES.has(modeRaw)) {
    throw new FieldProblem(`${f.hostingMode} is "${modeRaw}", expected vcpu, server or unknown`);
  }
  const h: DeclaredHosting = { mode: (modeRaw || "unknown") as HostingMode };
  const put = <K extends keyof DeclaredHosting>(key: K, value: DeclaredHosting[K] | undefined) => {
    if (value !== undefined) h[key] = value;
  };
  put("vcpus", readNumber(raw, f.vcpus, { min: 0 }));
  put("ramGb", readNumber(raw, f.ramGb, { min: 0 }));
  put("ssdTb", readNumber(raw, f.ssdTb, { min: 0 }));
  put("hddTb", readNumber(raw, f.hddTb, { min: 0 }));
  put("servers", readNumber(raw, f.servers, { min: 0 }));
  put("pue", readNumber(raw, f.pue, { min: 1, max: 5 }));
  put("cpuUtilization", readNumber(raw, f.cpuUtilization, { min: 0, max: 1 }));
  put("shareOfHost", readNumber(raw, f.shareOfHost, { min: 0, max: 1 }));
  if (f.hostCountry !== null) {
    const c = readString(raw, f.hostCountry).toUpperCase();
    if (c !== "" && !/^[A-Z]{3}$/.test(c))
      throw new FieldProblem(`${f.hostCountry} is "${c}", not an ISO 3166 alpha-3 code`);
    if (c !== "") h.hostCountry = c;
  }
  return h;
}

export function mapServiceRecord(raw: RawRecord, m: ServiceMapping): MapResult<Service> {
  const sysIdGuess = typeof raw.sys_id === "string" ? raw.sys_id : "";
  try {
    const sysId = readSysId(raw, "sys_id");
    const name = readString(raw, m.fields.name);
    if (name === "") throw new FieldProblem(`${m.fields.name} (the service name) is empty`);
    const status = readString(raw, m.fields.operationalStatus);
    const optional = (c: string | null) => (c === null ? "" : readString(raw, c));
    const owned: Record<string, string> = {};
    for (const c of m.ownedColumns) owned[c] = readString(raw, c);
    return {
      ok: true,
      value: {
        sysId,
        name,
        className: readString(raw, "sys_class_name"),
        operationalStatus: status,
        retired: m.retiredStatuses.includes(status),
        criticality: optional(m.fields.criticality),
        ownedBy: optional(m.fields.ownedBy),
        supportGroup: optional(m.fields.supportGroup),
        domain: optional(m.fields.domain),
        hosting: hosting(raw, m.fields),
        owned,
        sysUpdatedOn: readDateTime(raw, "sys_updated_on"),
        sysModCount: readNumber(raw, "sys_mod_count", { min: 0, integer: true }) ?? 0,
      },
    };
  } catch (err) {
    if (err instanceof FieldProblem) return { ok: false, sysId: sysIdGuess, reason: err.message };
    throw err;
  }
}

/** The columns to request (`sysparm_fields`): the mapped ones, the owned ones, the keyset columns, then the names. */
export function serviceColumns(m: ServiceMapping): string[] {
  const cols = new Set(["sys_id", "sys_updated_on", "sys_mod_count", "sys_class_name"]);
  for (const c of Object.values(m.fields)) if (c !== null) cols.add(c);
  for (const c of m.ownedColumns) cols.add(c);
  // The owner's and the support group's names, dot-walked with the record (store/reference-names.ts): the report
  // names people and groups rather than sys_ids, without reading sys_user or sys_user_group.
  for (const c of [m.fields.ownedBy, m.fields.supportGroup]) if (c !== null) cols.add(displayNameKey(c));
  return [...cols];
}

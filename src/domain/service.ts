// A digital service of the catalogue, as the cache holds it after mapping and validation of a catalogue record.

export type HostingMode = "vcpu" | "server" | "unknown";

/** Hosting attributes declared on the catalogue record; absent values take the method's defaults later. */
export interface DeclaredHosting {
  mode: HostingMode;
  vcpus?: number;
  ramGb?: number;
  ssdTb?: number;
  hddTb?: number;
  servers?: number;
  pue?: number;
  cpuUtilization?: number;
  shareOfHost?: number;
  /** ISO 3166 alpha-3. */
  hostCountry?: string;
}

export interface Service {
  sysId: string;
  name: string;
  /** `sys_class_name` of the record (a child class of the catalogue table). */
  className: string;
  /** The instance's `operational_status` value ("1" operational … "6" retired). */
  operationalStatus: string;
  retired: boolean;
  criticality: string;
  /** sys_id of the owner (sys_user), "" when none. */
  ownedBy: string;
  supportGroup: string;
  domain: string;
  hosting: DeclaredHosting;
  /** Remote values of the owned footprint fields as last read (column name → stored string). */
  owned: Record<string, string>;
  /** UTC `YYYY-MM-DD HH:mm:ss`. */
  sysUpdatedOn: string;
  sysModCount: number;
}

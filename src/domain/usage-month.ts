// One month of usage metrics of one service, as the cache holds it after mapping and validation.

export interface UsageMonth {
  sysId: string;
  serviceSysId: string;
  /** First day of the month, `YYYY-MM-01`. */
  period: string;
  /** Absent metrics stay undefined: the method applies its defaults and tags them. */
  visits?: number;
  pageViews?: number;
  transactions?: number;
  dataGb?: number;
  avgSessionMin?: number;
  mobileShare?: number;
  sysUpdatedOn: string;
}

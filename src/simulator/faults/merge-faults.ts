import type { FaultSettingsInput } from "./fault-settings.js";

/**
 * Later settings win field by field; `errorRates` are merged status by status, so
 * `--fault error:500=0.1 --fault error:503=0.2` keeps both.
 */
export function mergeFaults(
  a: Partial<FaultSettingsInput>,
  b: Partial<FaultSettingsInput>,
): Partial<FaultSettingsInput> {
  const merged: Partial<FaultSettingsInput> = { ...a, ...b };
  if (a.errorRates !== undefined || b.errorRates !== undefined) {
    merged.errorRates = { ...a.errorRates, ...b.errorRates };
  }
  return merged;
}

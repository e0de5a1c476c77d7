import { randomUUID } from "node:crypto";

/**
 * A fresh sys_id: 32 lowercase hex characters, like a real instance's GUIDs (reference §1.6). Random, not
 * seeded: only the generator's seeded records need reproducible sys_ids.
 */
export function newSysId(): string {
  return randomUUID().replaceAll("-", "");
}

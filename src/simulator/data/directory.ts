// The seeded `sys_user` and `sys_user_group` records: a fixed-size directory (it does not grow with the number
// of services, so service i's owner is the same whatever the catalogue size). Users 0..IT_STAFF_COUNT-1 work in
// IT and manage services (`managed_by`); the others are business owners (`owned_by`).
import type { SimRecord } from "../schema/types.js";
import { MAIL_DOMAIN } from "./communes.js";
import type { DatasetContext } from "./dataset-context.js";
import { deterministicSysId } from "./deterministic-sys-id.js";

import { laterEditMs, secondsMs } from "./later-edit-ms.js";
import { FIRST_NAMES, LAST_NAMES } from "./people.js";
import { ADMIN_AUTHOR, SYSTEM_AUTHOR } from "./seed-authors.js";
import { SeededRandom } from "./seeded-random.js";
import { StreamTag } from "./stream-key.js";
import { SUPPORT_GROUPS } from "./support-groups.js";
import { systemColumns } from "./system-columns.js";
import { MS_PER_DAY, MS_PER_SECOND } from "./time-units.js";

export const USER_COUNT = 400;
export const IT_STAFF_COUNT = 150;

export interface DirectoryUser {
  sysId: string;
  userName: string;
}

export interface Directory {
  users: SimRecord[];
  groups: SimRecord[];
  /** sys_id and user_name of user k, for references and `sys_updated_by` of human edits. */
  user(k: number): DirectoryUser;
  groupSysId(g: number): string;
}

function userNamePart(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z]+/g, "-");
}

export function buildDirectory(ctx: DatasetContext): Directory {
  const anchorMs = ctx.window.anchorStartMs;
  const users: SimRecord[] = [];
  const directoryUsers: DirectoryUser[] = [];
  const taken = new Set<string>();
  for (let k = 0; k < USER_COUNT; k++) {
    const rng = SeededRandom.forStream(ctx.seed, StreamTag.user, k);
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    // Homonyms get a number, as directory tools do ("claire.martin2").
    const base = `${userNamePart(first)}.${userNamePart(last)}`;
    let userName = base;
    for (let n = 2; taken.has(userName); n++) userName = `${base}${n}`;
    taken.add(userName);
    const sysId = deterministicSysId(ctx.seed, StreamTag.userId, k);
    // 80% arrived with the first directory import (ties: 50 users per second), the rest were hired later.
    const createdMs = rng.chance(0.8)
      ? ctx.directoryImportMs + Math.floor(k / 50) * MS_PER_SECOND
      : ctx.directoryImportMs + MS_PER_DAY + secondsMs(rng.float() * ((anchorMs - ctx.directoryImportMs) / 1.1));
    const edited = rng.chance(0.15) ? laterEditMs(rng, createdMs, anchorMs) : undefined;
    const modCount = edited === undefined ? 0 : rng.int(1, 6);
    users.push({
      ...systemColumns(sysId, "sys_user", createdMs, edited ?? createdMs, modCount, SYSTEM_AUTHOR, SYSTEM_AUTHOR),
      user_name: userName,
      first_name: first,
      last_name: last,
      name: `${first} ${last}`,
      email: `${userName}@${MAIL_DOMAIN}`,
      active: String(rng.chance(0.96)),
      time_zone: rng.chance(0.88) ? "Europe/Paris" : "",
    });
    directoryUsers.push({ sysId, userName });
  }
  const user = (k: number): DirectoryUser => {
    const found = directoryUsers[k];
    if (!found) throw new RangeError(`no user ${k}`);
    return found;
  };

  const groups = SUPPORT_GROUPS.map((group, g): SimRecord => {
    const rng = SeededRandom.forStream(ctx.seed, StreamTag.group, g);
    const sysId = deterministicSysId(ctx.seed, StreamTag.groupId, g);
    // Groups were set up by hand a month before the CMDB load, a few seconds apart.
    const createdMs = ctx.catalogueImportMs - 30 * MS_PER_DAY + g * 7 * MS_PER_SECOND;
    const edited = rng.chance(0.1) ? laterEditMs(rng, createdMs, anchorMs) : undefined;
    const manager = group.name.startsWith("DSI") ? rng.int(0, IT_STAFF_COUNT - 1) : rng.int(0, USER_COUNT - 1);
    return {
      ...systemColumns(
        sysId,
        "sys_user_group",
        createdMs,
        edited ?? createdMs,
        edited === undefined ? 0 : rng.int(1, 3),
        ADMIN_AUTHOR,
        ADMIN_AUTHOR,
      ),
      name: group.name,
      description: group.description,
      manager: user(manager).sysId,
    };
  });

  return {
    users,
    groups,
    user,
    groupSysId: (g) => deterministicSysId(ctx.seed, StreamTag.groupId, g),
  };
}

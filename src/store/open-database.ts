// Opens (and creates) the SQLite cache: owner-only file mode, WAL, durability and lock-wait settings, migrations.
import { chmodSync, closeSync, existsSync, openSync, statSync } from "node:fs";
import Database from "better-sqlite3";
import { ConnectorError } from "../lib/connector-error.js";
import { type Migration, migrate, migrations } from "./migrations.js";
import { toStoreError } from "./to-store-error.js";

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;
/** 16,384 pages of 4 KiB = 64 MiB of WAL between automatic checkpoints; see the PRAGMA below. */
export const DEFAULT_WAL_AUTOCHECKPOINT_PAGES = 16_384;
/** Helper threads SQLite's sorter may use for one large sort (PRAGMA threads); see below. */
const SORTER_THREADS = 1;

export interface OpenDatabaseOptions {
  /** File path (the CLI passes EMPREINTE_DB, default `./empreinte.db`), or ":memory:" for tests. */
  path: string;
  /** How long a statement waits for another process's write lock before failing with kind "busy". */
  busyTimeoutMs?: number;
  /** See the comment on the synchronous PRAGMA below. */
  synchronous?: "full" | "normal";
  /** WAL size, in pages, that triggers an automatic checkpoint. */
  walAutocheckpointPages?: number;
  /** For tests of the migration runner; defaults to the real list. */
  migrations?: readonly Migration[];
}

const OWNER_ONLY = 0o600;

/**
 * The cache holds the instance's catalogue, owner names and the lease; other local users have no business reading
 * it. Create the file ourselves so it is born 0600 (SQLite would create it 0644 under the usual umask), and narrow a
 * pre-existing broader file. SQLite gives the -wal and -shm files the mode of the database file.
 */
function ensureOwnerOnlyFile(path: string): void {
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    if (file === path) closeSync(openSync(file, "a", OWNER_ONLY));
    else if (!existsSync(file)) continue;
    if ((statSync(file).mode & 0o777) !== OWNER_ONLY) chmodSync(file, OWNER_ONLY);
  }
}

function isInMemory(path: string): boolean {
  return path === ":memory:" || path === "" || path.startsWith("file::memory:");
}

export function openDatabase(options: OpenDatabaseOptions): Database.Database {
  const { path } = options;
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw new ConnectorError("config", `busyTimeoutMs must be a non-negative integer, got ${busyTimeoutMs}.`);
  }
  const inMemory = isInMemory(path);
  if (!inMemory) {
    try {
      ensureOwnerOnlyFile(path);
    } catch (err) {
      throw new ConnectorError(
        "config",
        `Cannot create the cache database ${path} or make it owner-only (${err instanceof Error ? err.message : String(err)}). ` +
          "Check that its folder exists and is writable, or set EMPREINTE_DB to another path.",
        { cause: err },
      );
    }
  }

  let db: Database.Database | undefined;
  try {
    db = new Database(path, { timeout: busyTimeoutMs });
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    if (!inMemory) {
      // WAL: readers (`empreinte status`, the report) never block the run's writer, and a commit is one append.
      const mode = String(db.pragma("journal_mode = WAL", { simple: true }));
      if (mode !== "wal") {
        throw new ConnectorError(
          "config",
          `SQLite could not put ${path} in WAL mode (journal_mode stays "${mode}"); ` +
            "the file is probably on a network file system. Set EMPREINTE_DB to a path on a local disk.",
        );
      }
    }
    // synchronous: "Transactions are durable across application crashes regardless of the synchronous setting or
    // journal mode"; WAL + NORMAL "can roll back the last commits on power loss or an OS crash, but stays consistent"
    // (SQLite PRAGMA synchronous docs, quoted in reference/style-reliability-ecosystem.md B4). For pulled pages a
    // rolled-back commit would only mean a re-read, but the lease (a fencing token must never be handed out twice)
    // and, from issue 5, the outbox and the values we wrote are facts about the remote instance that a re-read
    // cannot restore: losing "we wrote X" would turn our own write into a false human-edit conflict. So FULL by
    // default. Measured on this machine: no difference on 1,000-row page commits (~4 ms each either way, and within
    // noise over 200k random-key rows), +0.13 ms on a one-row commit. On a disk with slow fsync FULL costs one WAL
    // fsync per page; "normal" stays available for throwaway caches (benchmarks, demo).
    db.pragma(`synchronous = ${options.synchronous === "normal" ? "NORMAL" : "FULL"}`);
    // sys_ids are random, so each 1,000-row page dirties ~1,000 leaf pages of each randomly keyed index; at SQLite's
    // default (a checkpoint every 1,000 WAL pages) every page commit was followed by a checkpoint copying them all
    // back. Checkpointing every 64 MiB instead lets a hot index page be copied once for many commits: measured here
    // on 200k random-key usage rows in 1,000-row commits, system CPU 3.2 s → 1.8 s and wall time −35%. The WAL file
    // is deleted when the last connection closes.
    db.pragma(`wal_autocheckpoint = ${options.walAutocheckpointPages ?? DEFAULT_WAL_AUTOCHECKPOINT_PAGES}`);
    // A large sort (the read indexes built after a first load, a staged load's merge) may use one helper thread: the
    // second vCPU is otherwise idle then, since the instance waits for the next request. Measured on 2.2 million usage
    // rows: the covering read index in 3.2 s instead of 5.7–6.8 s, for +16 MB of peak RSS (two helpers: no faster,
    // +32 MB). Small sorts stay in one thread.
    db.pragma(`threads = ${SORTER_THREADS}`);
    db.pragma("foreign_keys = ON");
    migrate(db, options.migrations ?? migrations);
    return db;
  } catch (err) {
    db?.close();
    throw toStoreError(err, "open the cache database", path);
  }
}

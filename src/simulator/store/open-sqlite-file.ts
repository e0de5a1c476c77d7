// Opens the SQLite database behind the dev instance: a private temp file by default, removed on close
// (and at process exit if the owner forgot), so 2.4M usage rows live on disk, not in the JS heap.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";

export interface SqliteFile {
  db: Database.Database;
  /** File path, or ":memory:". */
  path: string;
  /** Closes the connection and removes the temp directory when this module created it. */
  dispose(): void;
}

/** Temp directories still open, removed on exit so a crashed test run leaves no 1 GB file behind. */
const openTempDirs = new Set<string>();
let exitHookInstalled = false;

function removeTempDirsAtExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const dir of openTempDirs) rmSync(dir, { recursive: true, force: true });
  });
}

export function openSqliteFile(path?: string): SqliteFile {
  let tempDir: string | undefined;
  let file = path;
  if (file === undefined) {
    tempDir = mkdtempSync(join(tmpdir(), "empreinte-sim-"));
    file = join(tempDir, "instance.db");
    openTempDirs.add(tempDir);
    removeTempDirsAtExit();
  }
  const db = new Database(file);
  // Durability is worthless here: the dev instance is disposable, rebuilt from its seed on every start and on reset.
  // So no fsync (synchronous=OFF) and the rollback journal kept in memory, never written to disk. Not
  // journal_mode=OFF: SQLite's pragma documentation warns that without a journal a statement failing on a constraint
  // cannot unwind, so a CREATE UNIQUE INDEX that fails half-way leaves a corrupt index, and bulkLoad relies on exactly
  // that failure to detect duplicate sys_ids. MEMORY measured as fast as OFF. Not WAL: a 1.7 GB load would be
  // written twice (log, then checkpoint). One connection only, hence the exclusive lock (no lock-file round trips).
  db.pragma("journal_mode = MEMORY");
  db.pragma("synchronous = OFF");
  db.pragma("locking_mode = EXCLUSIVE");
  // 64 MiB page cache: enough for the upper index levels of 2.4M rows while keeping RSS flat.
  db.pragma("cache_size = -65536");
  // Index builds and sorts spill to temp files rather than RAM, for the same reason.
  db.pragma("temp_store = FILE");
  let disposed = false;
  return {
    db,
    path: file,
    dispose() {
      if (disposed) return;
      disposed = true;
      db.close();
      if (tempDir !== undefined) {
        rmSync(tempDir, { recursive: true, force: true });
        openTempDirs.delete(tempDir);
      }
    },
  };
}

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
  // So no rollback journal (journal_mode=OFF: nothing ever calls ROLLBACK, see RecordStore.bulkLoad) and no fsync
  // (synchronous=OFF). A crash loses the file, which the next start recreates anyway. One connection only, hence
  // the exclusive lock (no shared-memory or lock-file round trips per transaction).
  db.pragma("journal_mode = OFF");
  db.pragma("synchronous = OFF");
  db.pragma("locking_mode = EXCLUSIVE");
  // 64 MiB page cache: enough for the upper index levels of 2.4M rows while keeping RSS flat.
  db.pragma("cache_size = -65536");
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

// Maps what better-sqlite3 throws to a ConnectorError whose kind the CLI turns into an exit code (DESIGN.md §2):
// a database another process keeps locked past busy_timeout is temporary (75), a path that cannot hold a database is
// configuration (78), anything else is a bug or a broken disk (1). The original error stays as `cause`.
import { ConnectorError, isConnectorError } from "../lib/connector-error.js";

interface SqliteLikeError {
  code: string;
  message: string;
}

function isSqliteError(err: unknown): err is SqliteLikeError {
  if (!(err instanceof Error)) return false;
  const code: unknown = (err as Error & { code?: unknown }).code;
  return typeof code === "string" && code.startsWith("SQLITE_");
}

/** `what` names the operation for the operator, e.g. "commit a page of services". */
export function toStoreError(err: unknown, what: string, databasePath: string): ConnectorError {
  if (isConnectorError(err)) return err;
  if (!isSqliteError(err)) {
    const message = err instanceof Error ? err.message : String(err);
    return new ConnectorError("internal", `Could not ${what} in the cache ${databasePath}: ${message}`, { cause: err });
  }
  const code = err.code;
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
    return new ConnectorError(
      "busy",
      `Could not ${what}: the cache ${databasePath} stayed locked by another process past busy_timeout (${code}). ` +
        "Nothing of this step was written. Retry when the other empreinte process has finished (see `empreinte status`).",
      { cause: err },
    );
  }
  if (
    code.startsWith("SQLITE_CANTOPEN") ||
    code.startsWith("SQLITE_NOTADB") ||
    code.startsWith("SQLITE_READONLY") ||
    code.startsWith("SQLITE_PERM") ||
    code.startsWith("SQLITE_AUTH")
  ) {
    return new ConnectorError(
      "config",
      `Could not ${what}: ${databasePath} cannot be used as the cache database (${code}: ${err.message}). ` +
        "Point EMPREINTE_DB at a writable SQLite file on a local disk.",
      { cause: err },
    );
  }
  if (code.startsWith("SQLITE_FULL")) {
    return new ConnectorError(
      "internal",
      `Could not ${what}: the disk holding ${databasePath} is full (${code}). Nothing of this step was written; ` +
        "free some space and run again.",
      { cause: err },
    );
  }
  return new ConnectorError("internal", `Could not ${what} in the cache ${databasePath} (${code}: ${err.message}).`, {
    cause: err,
  });
}

// Every error empreinte raises on purpose is a ConnectorError. Its kind decides whether the HTTP layer retries it
// and which exit code the CLI returns (DESIGN.md §2 and §5; reference/style-reliability-ecosystem.md A-Synthesis 6).
// Messages are for operators: say what happened, to what, and what to do next. Never put a secret in one.

export type ErrorKind =
  /** The configuration is invalid or incomplete (exit 78). */
  | "config"
  /** Credentials refused after a refresh, or missing (exit 77). */
  | "auth"
  /** Authenticated, but an ACL denies the read or the write (exit 77). */
  | "permission"
  /** A passing failure worth retrying: 5xx, reset, timeout, truncated body (exit 69 once retries are spent). */
  | "transient"
  /** The instance asked us to wait (429); `retryAfterMs` says how long (exit 75 if the wait is too long). */
  | "rate_limited"
  /** The instance cannot be reached or keeps failing; retries spent (exit 69). */
  | "unavailable"
  /** A response or record that does not have the expected shape (quarantined, or exit 3). */
  | "data"
  /** Another run holds the lease (exit 75). */
  | "busy"
  /** A bad flag or argument (exit 64). */
  | "usage"
  /** SIGINT/SIGTERM after a clean checkpoint (exit 130/143). */
  | "interrupted"
  /** A bug (exit 1). */
  | "internal";

export interface ConnectorErrorOptions {
  cause?: unknown;
  /** HTTP status when the error came from a response; 0 for transport errors. */
  status?: number;
  retryAfterMs?: number;
  /** Method and URL with secrets removed, for logs. */
  request?: string;
}

export class ConnectorError extends Error {
  readonly kind: ErrorKind;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly request: string | undefined;

  constructor(kind: ErrorKind, message: string, options: ConnectorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ConnectorError";
    this.kind = kind;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.request = options.request;
  }

  get retryable(): boolean {
    return this.kind === "transient" || this.kind === "rate_limited";
  }
}

export function isConnectorError(err: unknown): err is ConnectorError {
  return err instanceof ConnectorError;
}

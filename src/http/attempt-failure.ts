// The error an attempt function throws when one exchange with the instance failed. It carries the outcome as data
// for the policy table; its kind is the table's verdict, so it reads right even if it escapes unretried.
import { ConnectorError } from "../lib/connector-error.js";
import type { AttemptOutcome } from "./attempt-outcome.js";
import { policyRowFor } from "./retry-policy.js";

export class AttemptFailure extends ConnectorError {
  readonly outcome: AttemptOutcome;

  /**
   * `message` is for operators and must hold no secret. `request` is the method and URL without credentials.
   * No `cause` on purpose: Node's transport errors may quote the request (headers, proxy URL), secrets included.
   */
  constructor(outcome: AttemptOutcome, message: string, request?: string) {
    const status = outcome.type === "transport" ? 0 : outcome.status;
    super(policyRowFor(outcome).kind, message, { status, request });
    this.name = "AttemptFailure";
    this.outcome = outcome;
  }
}

export function isAttemptFailure(err: unknown): err is AttemptFailure {
  return err instanceof AttemptFailure;
}

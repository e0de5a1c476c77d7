// The CLI's repeatable `--fault <name>=<value>` option, e.g. `--fault latency=200 --fault error:503=0.1`.
import { FaultSettings } from "./fault-settings.js";

export class InvalidFaultSpecError extends Error {
  override readonly name = "InvalidFaultSpecError";

  constructor(
    readonly spec: string,
    reason: string,
  ) {
    super(`Invalid --fault "${spec}": ${reason}`);
  }
}

type FaultField = keyof typeof FaultSettings.shape;
type ValueKind = "number" | "list" | "text";

/** Flag name → settings field. `error:<status>` is handled apart. */
const FLAGS: Readonly<Record<string, { field: FaultField; kind: ValueKind }>> = {
  latency: { field: "latencyMs", kind: "number" },
  "latency-per-row": { field: "latencyPerRowMs", kind: "number" },
  "write-latency": { field: "writeLatencyMs", kind: "number" },
  reset: { field: "resetRate", kind: "number" },
  "reset-before-write": { field: "resetBeforeWriteRate", kind: "number" },
  "reset-after-write": { field: "resetAfterWriteRate", kind: "number" },
  truncate: { field: "truncateRate", kind: "number" },
  "acl-short": { field: "aclShortRate", kind: "number" },
  "acl-short-mode": { field: "aclShortMode", kind: "text" },
  "acl-short-fraction": { field: "aclShortFraction", kind: "number" },
  "mutate-between-pages": { field: "mutateBetweenPages", kind: "number" },
  "clock-offset": { field: "clockOffsetS", kind: "number" },
  "empty-accepted": { field: "emptyAcceptedRate", kind: "number" },
  "empty-202": { field: "emptyAcceptedRate", kind: "number" },
  "html-login": { field: "htmlLoginRate", kind: "number" },
  seed: { field: "seed", kind: "number" },
  tables: { field: "tables", kind: "list" },
  methods: { field: "methods", kind: "list" },
  kinds: { field: "kinds", kind: "list" },
  "after-requests": { field: "afterRequests", kind: "number" },
  "max-faults": { field: "maxFaults", kind: "number" },
};

export const FAULT_FLAG_NAMES: readonly string[] = [...Object.keys(FLAGS), "error:<status>"];

const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * Parses one `--fault` value into the settings it sets. Throws InvalidFaultSpecError naming the bad part.
 * Combine several with `mergeFaults`, then validate the whole with `FaultSettings.parse`.
 */
export function parseFaultFlag(spec: string): Partial<FaultSettings> {
  const trimmed = spec.trim();
  const eq = trimmed.indexOf("=");
  if (eq <= 0) {
    throw new InvalidFaultSpecError(spec, 'expected <name>=<value>, e.g. "latency=200" or "error:503=0.1"');
  }
  const name = trimmed.slice(0, eq).trim().toLowerCase();
  const rawValue = trimmed.slice(eq + 1).trim();
  if (rawValue === "") throw new InvalidFaultSpecError(spec, `no value after "${name}="`);

  if (name.startsWith("error:")) {
    const status = name.slice("error:".length);
    if (!/^[1-5]\d\d$/.test(status)) {
      throw new InvalidFaultSpecError(spec, `"${status}" is not an HTTP status code (expected e.g. error:503=0.1)`);
    }
    const rate = validate(spec, name, rawValue, "errorRates", { [status]: toNumber(spec, name, rawValue) });
    return { errorRates: rate as FaultSettings["errorRates"] };
  }

  const flag = FLAGS[name];
  if (!flag) {
    throw new InvalidFaultSpecError(spec, `unknown fault "${name}"; known: ${FAULT_FLAG_NAMES.join(", ")}`);
  }
  const value =
    flag.kind === "number"
      ? toNumber(spec, name, rawValue)
      : flag.kind === "list"
        ? rawValue
            .split(",")
            .map((item) => item.trim())
            .filter((item) => item !== "")
        : rawValue;
  return { [flag.field]: validate(spec, name, rawValue, flag.field, value) } as Partial<FaultSettings>;
}

function toNumber(spec: string, name: string, rawValue: string): number {
  if (!DECIMAL.test(rawValue)) throw new InvalidFaultSpecError(spec, `"${rawValue}" is not a number (in "${name}")`);
  return Number(rawValue);
}

function validate(spec: string, name: string, rawValue: string, field: FaultField, value: unknown): unknown {
  const result = FaultSettings.shape[field].safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new InvalidFaultSpecError(spec, `bad value "${rawValue}" for "${name}": ${issue?.message ?? "invalid"}`);
}

// The what-if file of `empreinte estimate --input FILE` (carbon-model.md §6): a JSON array of service-months. A
// metric given as a number is `measured`; as `{ "value", "quality" }` it takes that tag; absent (or null) means
// default. Each element is validated on its own, so a malformed one is reported with every faulty field while the
// others are still computed.
import { z } from "zod";
import type { InputQuality } from "../domain/estimate.js";
import { ConnectorError } from "../lib/connector-error.js";
import { describeIssues } from "./describe-issues.js";
import type { FactorSet } from "./factor-set.js";
import { iso3 } from "./factor-set-schema.js";
import type { Measure, ServiceMonthInput } from "./service-month-input.js";

const Quality = z.enum(["measured", "declared", "default"]);
const number = () => z.number({ error: "expected a finite number" });
const atLeast0 = () => number().min(0, "must be at least 0");
const ratio = () => atLeast0().max(1, "must be at most 1 (a ratio, not a percentage)");

/** A number (measured) or `{ value, quality }`. */
function requiredMetric(value: z.ZodNumber) {
  return z.preprocess(
    (raw) => (typeof raw === "number" ? { value: raw, quality: "measured" } : raw),
    z.strictObject(
      { value, quality: Quality },
      {
        error: (issue) =>
          issue.input === undefined || issue.input === null
            ? "required (0 for a month without use)"
            : 'expected a number or { "value": n, "quality": q }',
      },
    ),
  );
}

/** A number (measured) or `{ value, quality }`; null is the same as absent. */
function metric(value: z.ZodNumber) {
  return requiredMetric(value).nullish();
}

const Hosting = z
  .strictObject({
    vcpus: atLeast0().nullish(),
    ramGb: atLeast0().nullish(),
    servers: atLeast0().nullish(),
    serverEmbodiedKg: atLeast0().nullish(),
    ssdTb: atLeast0().nullish(),
    hddTb: atLeast0().nullish(),
    cpuUtilization: ratio().nullish(),
    pue: number().min(1, "must be at least 1 (facility energy / IT energy)").nullish(),
    shareOfHost: ratio().nullish(),
    quality: Quality.nullish(),
  })
  .superRefine((h, ctx) => {
    const vcpu = h.vcpus !== undefined && h.vcpus !== null;
    const server = h.servers !== undefined && h.servers !== null;
    if (vcpu === server) {
      ctx.addIssue({
        code: "custom",
        path: vcpu ? ["servers"] : ["vcpus"],
        message: vcpu ? "give vcpus or servers, not both" : "give vcpus (cloud VMs) or servers (physical machines)",
      });
    }
    if (!vcpu && h.ramGb !== undefined && h.ramGb !== null) {
      ctx.addIssue({
        code: "custom",
        path: ["ramGb"],
        message: "only with vcpus (a server's power includes its memory)",
      });
    }
    if (!server && h.serverEmbodiedKg !== undefined && h.serverEmbodiedKg !== null) {
      ctx.addIssue({ code: "custom", path: ["serverEmbodiedKg"], message: "only with servers" });
    }
  });

const elementError = (issue: { code?: string }) =>
  issue.code === "invalid_type" ? "expected an object { id, visits, … }: one service-month" : undefined;

export const WhatIfElement = z.strictObject(
  {
    id: z.union([z.string(), z.number()], { error: "expected a string or a number" }).nullish(),
    visits: requiredMetric(atLeast0()),
    pageViews: metric(atLeast0()),
    dataGb: metric(atLeast0()),
    sessionMinutes: metric(atLeast0().max(24 * 60, "must be at most 1440 (a day)")),
    mobileShare: metric(ratio()),
    transactions: metric(atLeast0()),
    hostCountry: iso3.nullish(),
    userCountry: iso3.nullish(),
    hosting: Hosting.nullish(),
  },
  { error: elementError },
);
export type WhatIfElement = z.infer<typeof WhatIfElement>;

export type WhatIfId = string | number | null;

export type ParsedWhatIfElement =
  | { ok: true; index: number; id: WhatIfId; input: ServiceMonthInput }
  | { ok: false; index: number; id: WhatIfId; problems: string[] };

const opt = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);
const measure = (m: { value: number; quality: InputQuality } | null | undefined): Measure | undefined =>
  m === null || m === undefined ? undefined : { value: m.value, quality: m.quality };

function idOf(raw: unknown): WhatIfId {
  if (typeof raw !== "object" || raw === null || !("id" in raw)) return null;
  const id = (raw as { id: unknown }).id;
  return typeof id === "string" || typeof id === "number" ? id : null;
}

/** A metric given as a bare number is reported at its own name, not at `.value` of the object it stands for. */
function fieldPath(raw: unknown, path: ReadonlyArray<PropertyKey>): PropertyKey[] {
  const head = path[0];
  if (path.length === 2 && path[1] === "value" && typeof raw === "object" && raw !== null && head !== undefined) {
    if (typeof (raw as Record<PropertyKey, unknown>)[head] === "number") return [head];
  }
  return [...path];
}

/** Countries the factor set has no grid for; checked even when other fields failed, so every problem is listed. */
function countryProblems(raw: unknown, factors: FactorSet): string[] {
  if (typeof raw !== "object" || raw === null) return [];
  const problems: string[] = [];
  for (const field of ["hostCountry", "userCountry"] as const) {
    const code = (raw as Record<string, unknown>)[field];
    if (typeof code === "string" && iso3.safeParse(code).success && factors.gridGPerKwh[code] === undefined) {
      problems.push(`${field}: no grid intensity for ${code} in factor set ${factors.id}`);
    }
  }
  return problems;
}

function parseElement(raw: unknown, index: number, factors: FactorSet): ParsedWhatIfElement {
  const id = idOf(raw);
  const parsed = WhatIfElement.safeParse(raw);
  const problems = parsed.success
    ? []
    : describeIssues(parsed.error.issues.map((i) => ({ ...i, path: fieldPath(raw, i.path) })));
  problems.push(...countryProblems(raw, factors));
  if (!parsed.success || problems.length > 0) return { ok: false, index, id, problems };
  const e = parsed.data;
  const h = e.hosting;
  const input: ServiceMonthInput = {
    visits: measure(e.visits),
    pageViews: measure(e.pageViews),
    dataGb: measure(e.dataGb),
    sessionMinutes: measure(e.sessionMinutes),
    mobileShare: measure(e.mobileShare),
    transactions: measure(e.transactions),
    hostCountry: opt(e.hostCountry),
    userCountry: opt(e.userCountry),
    hosting: h
      ? {
          quality: h.quality ?? "declared",
          vcpus: opt(h.vcpus),
          ramGb: opt(h.ramGb),
          servers: opt(h.servers),
          serverEmbodiedKg: opt(h.serverEmbodiedKg),
          ssdTb: opt(h.ssdTb),
          hddTb: opt(h.hddTb),
          cpuUtilization: opt(h.cpuUtilization),
          pue: opt(h.pue),
          shareOfHost: opt(h.shareOfHost),
        }
      : undefined,
  };
  return { ok: true, index, id, input };
}

/**
 * @param json the parsed file.
 * @throws ConnectorError kind "usage" when the file is not a JSON array (nothing can be computed).
 */
export function parseWhatIfInput(json: unknown, factors: FactorSet): ParsedWhatIfElement[] {
  if (!Array.isArray(json)) {
    throw new ConnectorError("usage", "the what-if input must be a JSON array of service-months (carbon-model.md §6)");
  }
  return json.map((raw, index) => parseElement(raw, index, factors));
}

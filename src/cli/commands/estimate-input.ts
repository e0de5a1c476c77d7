// `empreinte estimate --input FILE [--json]`: the what-if calculator (carbon-model.md §6, DESIGN.md §2). Reads a
// JSON array of service-months, estimates each with the factor set, prints the §6 JSON (with --json) or a table.
// No instance, no cache. A malformed element is reported on stderr with every faulty field, the others are still
// printed, and the exit code is 3 (partial). An unreadable file, invalid JSON or a non-array is a usage error (64);
// an invalid factor file or overrides is a configuration error (78).
//
// Also the loader of factor sets (reading files is I/O, so it lives here rather than in src/estimation/).
import { readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { averageIntensity } from "@tgwf/co2";
import { applyFactorOverrides } from "../../estimation/apply-factor-overrides.js";
import { elementName, estimateWhatIf, type WhatIfFailure } from "../../estimation/estimate-what-if.js";
import type { FactorSet } from "../../estimation/factor-set.js";
import { parseFactorSet } from "../../estimation/parse-factor-set.js";
import type { WhatIfOutput } from "../../estimation/what-if-output.js";
import { ConnectorError, isConnectorError } from "../../lib/connector-error.js";
import { ExitCode } from "../exit-codes.js";

/** config/factors/ of the package: the same relative path from src/cli/commands/ and from dist/cli/commands/. */
export const FACTORS_DIR = fileURLToPath(new URL("../../../config/factors/", import.meta.url));

export interface LoadFactorSetOptions {
  /** Factor set id, the file `<factorsDir>/<id>.json` (config `estimation.factorSet`); default `fr-2024`. */
  id?: string;
  /**
   * Config `estimation.factorOverrides`: factor name → number or sourced entry, or the path of a JSON file holding
   * such a map (relative to `baseDir`).
   */
  overrides?: string | Readonly<Record<string, unknown>> | undefined;
  factorsDir?: string;
  /** Directory relative override paths are resolved against; default the working directory. */
  baseDir?: string;
}

function readJson(path: string, what: string, kind: "config" | "usage"): unknown {
  let text: string;
  try {
    text = readFileSync(path === "-" ? 0 : path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new ConnectorError(kind, `cannot read ${what} ${path} (${code}): check the path`, { cause: err });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ConnectorError(kind, `${what} ${path} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Reads a factor set, fills the grids of other countries from @tgwf/co2's bundled Ember averages and applies the
 * overrides. @throws ConnectorError kind "config" (exit 78) naming the file and every problem.
 */
export function loadFactorSet(options: LoadFactorSetOptions = {}): FactorSet {
  const id = options.id ?? "fr-2024";
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(id)) {
    throw new ConnectorError("config", `estimation.factorSet "${id}" is not a factor set id (e.g. fr-2024)`);
  }
  const path = join(options.factorsDir ?? FACTORS_DIR, `${id}.json`);
  const set = parseFactorSet(readJson(path, "factor set", "config"), averageIntensity.data, path);
  if (set.id !== id) throw new ConnectorError("config", `${path} declares id "${set.id}", expected "${id}"`);
  const o = options.overrides;
  if (o === undefined) return set;
  if (typeof o === "string") {
    const overridePath = isAbsolute(o) ? o : resolve(options.baseDir ?? process.cwd(), o);
    return applyFactorOverrides(set, readJson(overridePath, "factor overrides", "config"), overridePath);
  }
  return applyFactorOverrides(set, o, "estimation.factorOverrides");
}

export interface EstimateInputOptions {
  json: boolean;
  /** The factor set to use (e.g. built from the config by the caller); default `loadFactorSet()`. */
  factorSet?: FactorSet;
}

export interface EstimateInputResult {
  /** For stdout. */
  output: string;
  /** For stderr: one line per problem. */
  errorOutput: string;
  exitCode: ExitCode;
}

const fixed = (n: number | null, digits: number): string => (n === null ? "–" : n.toFixed(digits));

/** The terminal table: kg and g rounded for reading; --json carries the unrounded values. */
export function formatWhatIfTable(outputs: readonly WhatIfOutput[], factorSetLabel: string): string {
  const header = ["id", "total kg", "devices", "network", "data ctr", "DC kWh", "g/visit", "grade", "confidence"];
  const rows = outputs.map((o, i) => [
    o.id === null ? `#${i}` : String(o.id),
    fixed(o.co2eG.total / 1000, 3),
    fixed(o.co2eG.devices / 1000, 3),
    fixed(o.co2eG.network / 1000, 3),
    fixed(o.co2eG.dataCentre / 1000, 3),
    fixed(o.dataCentreKwh, 2),
    fixed(o.sci.gPerVisit, 4),
    o.grade ?? "–",
    o.confidence.level === null ? "–" : `${o.confidence.level} ${fixed(o.confidence.score, 2)}`,
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (c === 0 || c >= 7 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
      .join("  ")
      .trimEnd();
  const lines = [line(header), ...rows.map(line)];
  const defaults = outputs.filter((o) => o.defaulted.length > 0);
  if (defaults.length > 0) {
    lines.push("", "defaults taken:");
    for (const [i, o] of outputs.entries()) {
      if (o.defaulted.length > 0) lines.push(`  ${o.id === null ? `#${i}` : String(o.id)}: ${o.defaulted.join(", ")}`);
    }
  }
  lines.push("", `${factorSetLabel}; kg CO2e per month, rounded for display (--json for exact values)`);
  return `${lines.join("\n")}\n`;
}

function failureLines(failures: readonly WhatIfFailure[]): string {
  const lines: string[] = [];
  for (const f of failures) {
    for (const problem of f.problems) lines.push(`empreinte estimate: ${elementName(f.index, f.id)}: ${problem}`);
  }
  if (failures.length > 0) {
    lines.push(`empreinte estimate: ${failures.length} element(s) not computed: fix the fields above and run again`);
  }
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}

/** Runs the what-if calculator on FILE ("-" for stdin). Never throws for expected failures: see exitCode. */
export function runEstimateInput(file: string, options: EstimateInputOptions): EstimateInputResult {
  try {
    const factors = options.factorSet ?? loadFactorSet();
    const { outputs, failures } = estimateWhatIf(readJson(file, "what-if input", "usage"), factors);
    const output = options.json
      ? `${JSON.stringify(outputs, null, 2)}\n`
      : formatWhatIfTable(outputs, `method empreinte-dscf/1, factor set ${factors.id}`);
    return {
      output,
      errorOutput: failureLines(failures),
      exitCode: failures.length > 0 ? ExitCode.partial : ExitCode.ok,
    };
  } catch (err) {
    if (!isConnectorError(err)) throw err;
    const exitCode = err.kind === "config" ? ExitCode.config : ExitCode.usage;
    return { output: "", errorOutput: `empreinte estimate: ${err.message}\n`, exitCode };
  }
}

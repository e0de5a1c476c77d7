// `${VAR}` and `${VAR:-default}` in every string value of the parsed YAML, taken from a given environment map, so
// that secrets live in the environment and the file can be committed (style-reliability-ecosystem.md C5). `$${`
// writes a literal `${`. An unset or empty variable without a default is a problem naming the variable and the
// path; all of them are collected so the operator sees every missing variable at once. Keys are never interpolated.
import type { ConfigPath, ConfigProblem } from "./config-problem.js";
import { type PlainRecord, setOwn } from "./plain-record.js";

export type EnvMap = Readonly<Record<string, string | undefined>>;

/** A problem that is an unset variable, with the variable's name: a caller may decide it does not need the value. */
export interface UnsetVariable {
  variable: string;
  /** The entry of `problems` that reports it. */
  problem: ConfigProblem;
}

export interface InterpolationResult {
  /** The document with references replaced; a value whose variable is missing is dropped (undefined). */
  value: unknown;
  problems: ConfigProblem[];
  /** The problems that are unset variables (a subset of `problems`). */
  unset: UnsetVariable[];
}

interface StringProblem {
  message: string;
  /** Set when the problem is this variable being unset. */
  variable?: string;
}

// `$${` (escape) | `${…}` (reference) | `${` never closed.
const REFERENCE = /\$\$\{|\$\{([^}]*)\}|\$\{/g;
const NAME_AND_DEFAULT = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;

/** Replaces the references of one string; `value` is undefined when a reference cannot be resolved. */
export function interpolateString(text: string, env: EnvMap): { value: string | undefined; problems: string[] } {
  const result = interpolate(text, env);
  return { value: result.value, problems: result.problems.map((p) => p.message) };
}

function interpolate(text: string, env: EnvMap): { value: string | undefined; problems: StringProblem[] } {
  const problems: StringProblem[] = [];
  const value = text.replace(REFERENCE, (match: string, inner: string | undefined) => {
    if (match === "$${") return "${";
    if (inner === undefined) {
      problems.push({
        // biome-ignore lint/suspicious/noTemplateCurlyInString: ${VAR} is the config file's own syntax
        message: "has a ${ that is never closed: write ${NAME}, ${NAME:-default}, or $${ for a literal ${",
      });
      return match;
    }
    const parsed = NAME_AND_DEFAULT.exec(inner.trim());
    if (parsed === null) {
      problems.push({
        // biome-ignore lint/suspicious/noTemplateCurlyInString: ${VAR} is the config file's own syntax
        message: "has an invalid ${…} reference: write ${NAME} or ${NAME:-default} (letters, digits and _)",
      });
      return match;
    }
    const [, name = "", fallback] = parsed;
    const found = env[name];
    // An empty variable counts as unset (DESIGN.md: "" as missing), as `${VAR:-default}` does in POSIX shells.
    if (found !== undefined && found !== "") return found;
    if (fallback !== undefined) return fallback;
    problems.push({
      message: `environment variable ${name} is not set (or is empty): set it, or write \${${name}:-default} in the file`,
      variable: name,
    });
    return match;
  });
  return { value: problems.length === 0 ? value : undefined, problems };
}

function walk(node: unknown, path: ConfigPath, env: EnvMap, found: Omit<InterpolationResult, "value">): unknown {
  if (typeof node === "string") {
    const result = interpolate(node, env);
    for (const { message, variable } of result.problems) {
      const problem = { path, message };
      found.problems.push(problem);
      if (variable !== undefined) found.unset.push({ variable, problem });
    }
    return result.value;
  }
  if (Array.isArray(node)) return node.map((item, index) => walk(item, [...path, index], env, found));
  if (typeof node === "object" && node !== null) {
    const out: PlainRecord = {};
    for (const [key, item] of Object.entries(node)) {
      const value = walk(item, [...path, key], env, found);
      if (value !== undefined) setOwn(out, key, value);
    }
    return out;
  }
  return node;
}

export function interpolateEnv(document: unknown, env: EnvMap): InterpolationResult {
  const found: Omit<InterpolationResult, "value"> = { problems: [], unset: [] };
  const value = walk(document, [], env, found);
  return { value, ...found };
}

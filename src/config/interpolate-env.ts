// `${VAR}` and `${VAR:-default}` in every string value of the parsed YAML, taken from a given environment map, so
// that secrets live in the environment and the file can be committed (style-reliability-ecosystem.md C5). `$${`
// writes a literal `${`. An unset or empty variable without a default is a problem naming the variable and the
// path; all of them are collected so the operator sees every missing variable at once. Keys are never interpolated.
import type { ConfigPath, ConfigProblem } from "./config-problem.js";
import { type PlainRecord, setOwn } from "./plain-record.js";

export type EnvMap = Readonly<Record<string, string | undefined>>;

export interface InterpolationResult {
  /** The document with references replaced; a value whose variable is missing is dropped (undefined). */
  value: unknown;
  problems: ConfigProblem[];
}

// `$${` (escape) | `${…}` (reference) | `${` never closed.
const REFERENCE = /\$\$\{|\$\{([^}]*)\}|\$\{/g;
const NAME_AND_DEFAULT = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;

/** Replaces the references of one string; `value` is undefined when a reference cannot be resolved. */
export function interpolateString(text: string, env: EnvMap): { value: string | undefined; problems: string[] } {
  const problems: string[] = [];
  const value = text.replace(REFERENCE, (match: string, inner: string | undefined) => {
    if (match === "$${") return "${";
    if (inner === undefined) {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: ${VAR} is the config file's own syntax
      problems.push("has a ${ that is never closed: write ${NAME}, ${NAME:-default}, or $${ for a literal ${");
      return match;
    }
    const parsed = NAME_AND_DEFAULT.exec(inner.trim());
    if (parsed === null) {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: ${VAR} is the config file's own syntax
      problems.push("has an invalid ${…} reference: write ${NAME} or ${NAME:-default} (letters, digits and _)");
      return match;
    }
    const [, name = "", fallback] = parsed;
    const found = env[name];
    // An empty variable counts as unset (DESIGN.md: "" as missing), as `${VAR:-default}` does in POSIX shells.
    if (found !== undefined && found !== "") return found;
    if (fallback !== undefined) return fallback;
    problems.push(
      `environment variable ${name} is not set (or is empty): set it, or write \${${name}:-default} in the file`,
    );
    return match;
  });
  return { value: problems.length === 0 ? value : undefined, problems };
}

function walk(node: unknown, path: ConfigPath, env: EnvMap, problems: ConfigProblem[]): unknown {
  if (typeof node === "string") {
    const result = interpolateString(node, env);
    for (const message of result.problems) problems.push({ path, message });
    return result.value;
  }
  if (Array.isArray(node)) return node.map((item, index) => walk(item, [...path, index], env, problems));
  if (typeof node === "object" && node !== null) {
    const out: PlainRecord = {};
    for (const [key, item] of Object.entries(node)) {
      const value = walk(item, [...path, key], env, problems);
      if (value !== undefined) setOwn(out, key, value);
    }
    return out;
  }
  return node;
}

export function interpolateEnv(document: unknown, env: EnvMap): InterpolationResult {
  const problems: ConfigProblem[] = [];
  const value = walk(document, [], env, problems);
  return { value, problems };
}

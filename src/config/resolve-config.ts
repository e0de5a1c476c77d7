// The pure core of loading: parsed YAML + environment + flags → a validated configuration, or a ConfigError that
// lists every problem at once. Precedence defaults < file < env < flags (DESIGN.md §2).
import { applyEnv, envInstanceName, envOrigins } from "./apply-env.js";
import { collectSecrets } from "./collect-secrets.js";
import { ConfigError } from "./config-error.js";
import { type ConfigPath, type ConfigProblem, formatConfigPath } from "./config-problem.js";
import { EmpreinteConfig } from "./config-schema.js";
import { dropEmptyStrings } from "./drop-empty-strings.js";
import { findLiteralSecrets } from "./find-literal-secrets.js";
import { type EnvMap, interpolateEnv } from "./interpolate-env.js";
import { mergeLayers } from "./merge-layers.js";
import { isRecord } from "./plain-record.js";
import { toConfigProblems } from "./to-config-problems.js";

type DeepPartial<T> = T extends readonly (infer _)[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** Values from command-line flags, the top layer: e.g. `{ database: { path: "x.db" } }`. "" counts as not given. */
export type ConfigOverrides = DeepPartial<EmpreinteConfig>;

export interface LoadedConfig {
  config: EmpreinteConfig;
  /** Secret values (passwords, client secrets) for the logger to redact. */
  secrets: string[];
  /** Not fatal, but worth a log line: a secret written literally in the file, a YAML warning. */
  warnings: string[];
  /** The config file read, or undefined when there was none (defaults and environment only). */
  path: string | undefined;
}

export interface ResolveConfigOptions {
  /** The file's content as parsed YAML, before interpolation; undefined when there is no file. */
  document?: unknown;
  env: EnvMap;
  overrides?: ConfigOverrides;
  /** Where the configuration came from, for the error message, e.g. "config/empreinte.yaml + environment". */
  source?: string;
  /** Config file path reported back in the result. */
  path?: string;
  /** Line of the file holding the value at a path, to point problems at it. */
  locate?: (path: ConfigPath) => number | undefined;
  /** Warnings found while reading the file (e.g. from the YAML parser). */
  warnings?: readonly string[];
  /**
   * For the verbs that only read the cache (`report`, `status`, `estimate`): no instance needs to be configured.
   * Without one, a placeholder that cannot be reached (`.invalid` never resolves) stands in, so that the rest of the
   * configuration is validated and defaulted as usual; a verb that tried to connect would fail on it.
   */
  instanceOptional?: boolean;
}

/** The stand-in of an offline verb's missing instance (see `instanceOptional`). */
export const OFFLINE_INSTANCE = {
  url: "https://offline.invalid",
  auth: { kind: "basic", username: "offline", password: "not-a-secret" },
} as const;

function startsWith(path: ConfigPath, prefix: ConfigPath): boolean {
  return prefix.length <= path.length && prefix.every((key, i) => path[i] === key);
}

function has(layer: unknown, path: ConfigPath): boolean {
  let node = layer;
  for (const key of path) {
    if (Array.isArray(node) && typeof key === "number") node = node[key];
    else if (isRecord(node) && typeof key === "string" && Object.hasOwn(node, key)) node = node[key];
    else return false;
  }
  return node !== undefined;
}

export function resolveConfig(options: ResolveConfigOptions): LoadedConfig {
  const { env } = options;
  const source = options.source ?? (options.document === undefined ? "defaults + environment" : "file + environment");
  const warnings = [...(options.warnings ?? [])];

  const interpolated = interpolateEnv(options.document ?? {}, env);
  warnings.push(...findLiteralSecrets(options.document));
  // A verb that only reads the cache never connects: the instances' unset variables (`${SN_PASSWORD}` on a machine
  // that only has a copy of the cache) are not its problem. The instances are then replaced by the stand-in below.
  // A malformed reference there is still an error: the file is wrong whoever reads it.
  const unusedInstanceVariables =
    options.instanceOptional === true ? interpolated.unset.filter((u) => u.problem.path[0] === "instances") : [];
  for (const { variable, problem } of unusedInstanceVariables) {
    warnings.push(
      `${formatConfigPath(problem.path)}: environment variable ${variable} is not set (or is empty); ` +
        "ignored, since this command only reads the cache and never connects to the instance",
    );
  }
  const ignored = new Set(unusedInstanceVariables.map((u) => u.problem));
  const interpolationProblems = interpolated.problems.filter((p) => !ignored.has(p));

  const fileLayer = dropEmptyStrings(interpolated.value);
  const flagLayer = dropEmptyStrings(options.overrides ?? {});
  const envInstance = envInstanceName(mergeLayers(fileLayer, flagLayer));
  const input = mergeLayers(applyEnv(mergeLayers(fileLayer), env, envInstance), flagLayer);
  const configured = isRecord(input.instances) ? Object.keys(input.instances) : [];
  const offline = options.instanceOptional === true && (configured.length === 0 || ignored.size > 0);
  if (offline) {
    // Under the configured names, so that catalogue.instance and usage.instance still name one.
    const names = configured.length === 0 ? [envInstance] : configured;
    input.instances = Object.fromEntries(names.map((name) => [name, OFFLINE_INSTANCE]));
  }
  const result = EmpreinteConfig.safeParse(input);

  // Point each problem at the layer that gave the value: flag, environment variable, or file line.
  const fromEnv = envOrigins(env, envInstance);
  const origin = (path: ConfigPath): string | undefined => {
    if (has(flagLayer, path)) return "from the command line";
    const variable = fromEnv.find((o) => startsWith(path, o.path))?.variable;
    if (variable !== undefined) return `from ${variable}`;
    const line = options.locate?.(path);
    return line === undefined ? undefined : `line ${line}`;
  };
  const withOrigin = (problem: ConfigProblem): ConfigProblem => {
    const where = origin(problem.path);
    return where === undefined ? problem : { ...problem, message: `${problem.message} (${where})` };
  };

  const problems = interpolationProblems.map(withOrigin);
  if (!result.success) {
    // A value dropped for a missing variable is already reported, with the variable's name.
    const issues = result.error.issues.filter(
      (issue) => !interpolationProblems.some((p) => startsWith(issue.path as ConfigPath, p.path)),
    );
    problems.push(...toConfigProblems(issues, { input, envInstance, origin }));
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(problems, source);

  // Offline, the stand-in's password is nobody's, and redacting it would only blank log text; the secret variables
  // that are set are still redacted.
  const secrets = offline ? collectSecrets({}, env) : collectSecrets(result.data, env);
  return { config: result.data, secrets, warnings, path: options.path };
}

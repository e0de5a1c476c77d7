// Loading the configuration: which file (--config, else EMPREINTE_CONFIG, else config/empreinte.example.yaml),
// reading and parsing its YAML, then resolveConfig. When the default file is absent the configuration is the
// defaults plus the environment, so `SN_INSTANCE_URL=… SN_USERNAME=… SN_PASSWORD=… npx empreinte pull` works
// anywhere (DESIGN.md §2). A file named explicitly must exist.
import { readFileSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { isMap, LineCounter, parseDocument, type YAMLError } from "yaml";
import { CONFIG_ENV, readEnv } from "./apply-env.js";
import { ConfigError } from "./config-error.js";
import type { ConfigPath, ConfigProblem } from "./config-problem.js";
import type { EnvMap } from "./interpolate-env.js";
import { type ConfigOverrides, type LoadedConfig, resolveConfig } from "./resolve-config.js";

export const DEFAULT_CONFIG_PATH = "config/empreinte.example.yaml";

export interface LoadConfigOptions {
  /** From `--config`; wins over EMPREINTE_CONFIG. */
  path?: string;
  env: EnvMap;
  overrides?: ConfigOverrides;
  /** Directory relative paths are resolved against; default process.cwd(). */
  cwd?: string;
  /** See ResolveConfigOptions.instanceOptional: the verbs that only read the cache. */
  instanceOptional?: boolean;
}

function readText(file: string, shown: string, explicit: boolean): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && !explicit) return undefined;
    const why =
      code === "ENOENT"
        ? `config file ${shown} not found: check --config or ${CONFIG_ENV.configPath}`
        : `config file ${shown} cannot be read (${code ?? (err as Error).message}): check its permissions`;
    throw new ConfigError([{ path: [], message: why }], shown);
  }
}

/** The first syntax error only: the ones after it are usually its echoes. */
function yamlSyntaxProblem(error: YAMLError, text: string, count: number): ConfigProblem {
  // First line of the message only: the excerpt after it would copy file content (maybe a secret) into logs.
  let message = `YAML syntax: ${(error.message.split("\n")[0] ?? "").replace(/:$/, "")}`;
  const line = error.linePos?.[0].line;
  const source = line === undefined ? "" : (text.split("\n")[line - 1] ?? "");
  if (source.includes("${") && /[{[]/.test(source.replace(/\$\{[^}]*\}/g, ""))) {
    // `{` and `}` are YAML flow indicators: `{ password: ${PW} }` breaks the mapping.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: ${VAR} is the config file's own syntax
    message += '; inside { } or [ ], put references in quotes: "${VAR}"';
  }
  if (count > 1) message += ` (${count - 1} more error${count > 2 ? "s" : ""} may follow from this one)`;
  return { path: [], message };
}

/** Reads, interpolates, layers and validates the configuration. Throws ConfigError (kind "config") listing every problem. */
export function loadConfig(options: LoadConfigOptions): LoadedConfig {
  const cwd = options.cwd ?? process.cwd();
  const chosen = options.path ?? readEnv(options.env, CONFIG_ENV.configPath);
  const file = resolve(cwd, chosen ?? DEFAULT_CONFIG_PATH);
  const shown = isAbsolute(chosen ?? "") ? file : relative(cwd, file) || file;
  const text = readText(file, shown, chosen !== undefined);
  if (text === undefined) {
    return resolveConfig({
      env: options.env,
      overrides: options.overrides,
      source: "defaults + environment, no config file",
      ...(options.instanceOptional ? { instanceOptional: true } : {}),
    });
  }

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const source = `${shown} + environment`;
  const [syntax] = doc.errors;
  if (syntax !== undefined) throw new ConfigError([yamlSyntaxProblem(syntax, text, doc.errors.length)], source);
  if (!isMap(doc.contents) && doc.contents !== null) {
    throw new ConfigError(
      [{ path: [], message: "the file must be a YAML mapping (key: value lines) at the top level" }],
      source,
    );
  }
  let document: unknown;
  try {
    document = doc.toJS() ?? {};
  } catch (err) {
    // e.g. an alias expanding too far ("billion laughs"): the yaml library refuses it.
    throw new ConfigError([{ path: [], message: `YAML: ${(err as Error).message.split("\n")[0] ?? ""}` }], source);
  }
  const locate = (path: ConfigPath): number | undefined => {
    if (path.length === 0) return undefined;
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    return node?.range === undefined ? undefined : lineCounter.linePos(node.range[0]).line;
  };
  const warnings = doc.warnings.map((w) => `${shown}: YAML: ${w.message.split("\n")[0] ?? ""}`);
  return resolveConfig({
    document,
    env: options.env,
    overrides: options.overrides,
    source,
    path: file,
    locate,
    warnings,
    ...(options.instanceOptional ? { instanceOptional: true } : {}),
  });
}

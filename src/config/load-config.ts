// Loading the configuration: which file (--config, else EMPREINTE_CONFIG, else config/empreinte.example.yaml),
// reading and parsing its YAML, then resolveConfig. When the default file is absent the configuration is the
// defaults plus the environment, so `SN_INSTANCE_URL=… SN_USERNAME=… SN_PASSWORD=… npx empreinte pull` works
// anywhere (DESIGN.md §2). A file named explicitly must exist.
import { readFileSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { isMap, LineCounter, parseDocument } from "yaml";
import { CONFIG_ENV, readEnv } from "./apply-env.js";
import { ConfigError } from "./config-error.js";
import type { ConfigPath } from "./config-problem.js";
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

/** Reads, interpolates, layers and validates the configuration. Throws ConfigError (kind "config") listing every problem. */
export function loadConfig(options: LoadConfigOptions): LoadedConfig {
  const cwd = options.cwd ?? process.cwd();
  const chosen = options.path ?? readEnv(options.env, CONFIG_ENV.configPath);
  const file = resolve(cwd, chosen ?? DEFAULT_CONFIG_PATH);
  const shown = isAbsolute(chosen ?? "") ? file : relative(cwd, file) || file;
  const text = readText(file, shown, chosen !== undefined);
  if (text === undefined) {
    return resolveConfig({ env: options.env, overrides: options.overrides, source: "defaults + environment, no config file" });
  }

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const source = `${shown} + environment`;
  if (doc.errors.length > 0) {
    // First line only: the excerpt that follows would copy file content (maybe a secret) into logs.
    throw new ConfigError(
      doc.errors.map((e) => ({ path: [], message: `YAML syntax: ${(e.message.split("\n")[0] ?? "").replace(/:$/, "")}` })),
      source,
    );
  }
  const document: unknown = doc.toJS() ?? {};
  if (!isMap(doc.contents) && doc.contents !== null) {
    throw new ConfigError([{ path: [], message: "the file must be a YAML mapping (key: value lines) at the top level" }], source);
  }
  const locate = (path: ConfigPath): number | undefined => {
    if (path.length === 0) return undefined;
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    return node?.range === undefined ? undefined : lineCounter.linePos(node.range[0]).line;
  };
  const warnings = doc.warnings.map((w) => `${shown}: YAML: ${w.message.split("\n")[0] ?? ""}`);
  return resolveConfig({ document, env: options.env, overrides: options.overrides, source, path: file, locate, warnings });
}

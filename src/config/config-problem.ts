// One thing wrong with the configuration, located by its path in the YAML (e.g. instances.default.auth.password).
// Never carries a value from the environment: messages may reach logs.

export type ConfigPath = readonly (string | number)[];

export interface ConfigProblem {
  path: ConfigPath;
  message: string;
}

/** `instances.default.auth` / `jobs.nightly.steps[1]`, the notation z.prettifyError uses. */
export function formatConfigPath(path: ConfigPath): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(key)) out += out === "" ? key : `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

// zod issues → operator-facing problems: each says what is wrong where and what to do (DESIGN.md §5 "a message that
// tells the operator what to do next"). Issues carry no input values, so no secret can leak through a message.
import type { z } from "zod";
import { CONFIG_ENV } from "./apply-env.js";
import type { ConfigPath, ConfigProblem } from "./config-problem.js";
import { isRecord } from "./plain-record.js";

export interface ProblemContext {
  /** The value that was validated (merged layers), to tell "missing" from "wrong type". */
  input: unknown;
  /** The instance the SN_* variables describe: its missing fields point at them. */
  envInstance: string;
  /** Where the value at `path` came from ("line 12", "from SN_INSTANCE_URL"…), appended to the message. */
  origin?: (path: ConfigPath) => string | undefined;
}

const AUTH_ENV: Record<string, string> = {
  username: CONFIG_ENV.username,
  password: CONFIG_ENV.password,
  clientId: CONFIG_ENV.clientId,
  clientSecret: CONFIG_ENV.clientSecret,
};

function valueAt(root: unknown, path: ConfigPath): unknown {
  let node = root;
  for (const key of path) {
    if (Array.isArray(node) && typeof key === "number") node = node[key];
    else if (isRecord(node) && typeof key === "string" && Object.hasOwn(node, key)) node = node[key];
    else return undefined;
  }
  return node;
}

function missingHint(path: ConfigPath, envInstance: string): string {
  const [section, name, field, sub] = path;
  if (section === "instances" && name === envInstance) {
    if (field === "url" && path.length === 3)
      return `missing: set ${CONFIG_ENV.instanceUrl}, or write url: in the file`;
    if (field === "auth" && path.length === 3) {
      return `missing: set ${CONFIG_ENV.username} and ${CONFIG_ENV.password} (basic), or ${CONFIG_ENV.clientId} and ${CONFIG_ENV.clientSecret} (OAuth)`;
    }
    const env = field === "auth" && typeof sub === "string" ? AUTH_ENV[sub] : undefined;
    if (env !== undefined && path.length === 4) return `missing: set ${env}`;
  }
  // biome-ignore lint/suspicious/noTemplateCurlyInString: ${VAR} is the config file's own syntax
  if (section === "instances") return "missing: add it to the file (secrets as ${VARIABLE} from the environment)";
  if (section === "jobs" && field === "cron") return 'missing: add when the job runs, e.g. cron: "30 2 * * *"';
  return "missing: add it to the file";
}

function describe(issue: z.core.$ZodIssue, path: ConfigPath, context: ProblemContext): ConfigProblem[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({
      path: [...path, key],
      message: `unknown key "${key}": remove it or fix its spelling (config/empreinte.schema.json lists the keys allowed here)`,
    }));
  }
  if (issue.code === "invalid_type" && valueAt(context.input, path) === undefined) {
    return [{ path, message: missingHint(path, context.envInstance) }];
  }
  if (issue.code === "invalid_union" && path.at(-1) === "kind") {
    return [
      {
        path,
        message: "must be kind: basic (with username, password) or kind: oauth (with clientId, clientSecret)",
      },
    ];
  }
  return [{ path, message: issue.message }];
}

export function toConfigProblems(issues: readonly z.core.$ZodIssue[], context: ProblemContext): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((key): key is string | number => typeof key !== "symbol");
    for (const problem of describe(issue, path, context)) {
      const origin = context.origin?.(problem.path);
      problems.push(origin === undefined ? problem : { ...problem, message: `${problem.message} (${origin})` });
    }
  }
  return problems;
}

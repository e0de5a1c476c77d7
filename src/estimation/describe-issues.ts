// zod issues → one line per problem, `path: message`, so an operator sees every problem at once and where it is.
// An unknown key is reported at the key itself (`hosting.pu: unknown field`), which is where a typo is.
import type { z } from "zod";

function join(prefix: string, path: ReadonlyArray<PropertyKey>): string {
  const tail = path.map(String).join(".");
  return prefix && tail ? `${prefix}.${tail}` : prefix || tail;
}

export function describeIssues(issues: readonly z.core.$ZodIssue[], prefix = ""): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) lines.push(`${join(prefix, [...issue.path, key])}: unknown field`);
      continue;
    }
    const where = join(prefix, issue.path);
    lines.push(where ? `${where}: ${issue.message}` : issue.message);
  }
  return lines;
}

// Warnings for secrets written in the file itself instead of `${VAR}` (style-reliability-ecosystem.md C5): the file
// is meant to be committed and shared, the environment is not. Reads the document BEFORE interpolation.
import { type ConfigPath, formatConfigPath } from "./config-problem.js";
import { isSecretKey } from "./secret-keys.js";

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}/g;

function literalPart(text: string): { hasReference: boolean; literal: string } {
  let hasReference = false;
  let literal = "";
  // What remains once references are removed, plus the defaults they carry: both end up in the file.
  const rest = text.replace(REFERENCE, (_match: string, _name: string, fallback: string | undefined) => {
    hasReference = true;
    literal += fallback === undefined ? "" : fallback.slice(2);
    return "";
  });
  return { hasReference, literal: literal + rest };
}

function walk(node: unknown, path: ConfigPath, warnings: string[]): void {
  if (Array.isArray(node)) {
    for (const [index, item] of node.entries()) walk(item, [...path, index], warnings);
    return;
  }
  if (typeof node !== "object" || node === null) return;
  for (const [key, value] of Object.entries(node)) {
    const where = formatConfigPath([...path, key]);
    if (isSecretKey(key) && typeof value === "string" && value !== "") {
      const { hasReference, literal } = literalPart(value);
      if (!hasReference) {
        warnings.push(
          `${where} is written in the config file: move it to an environment variable and write ${key}: \${VARIABLE}`,
        );
      } else if (literal.trim() !== "") {
        warnings.push(
          `${where} has a literal part or default in the config file: keep the whole secret in the environment`,
        );
      }
    } else {
      walk(value, [...path, key], warnings);
    }
  }
}

/** One warning per secret-looking key (password, clientSecret…) whose value is not entirely `${VAR}`. */
export function findLiteralSecrets(document: unknown): string[] {
  const warnings: string[] = [];
  walk(document, [], warnings);
  return warnings;
}

// The value a query literal stands for: itself, or the result of a whitelisted `javascript:` date helper.
import { evaluateJavascriptValue, isJavascriptValue } from "./evaluate-javascript-value.js";

/** Undefined when the literal is `javascript:` code outside the whitelist (the term is then invalid). */
export function resolveLiteral(raw: string, now: Date): string | undefined {
  return isJavascriptValue(raw) ? evaluateJavascriptValue(raw, now) : raw;
}

/** Resolves every literal, or returns undefined if any of them is rejected. */
export function resolveLiterals(raws: string[], now: Date): string[] | undefined {
  const resolved: string[] = [];
  for (const raw of raws) {
    const value = resolveLiteral(raw, now);
    if (value === undefined) return undefined;
    resolved.push(value);
  }
  return resolved;
}

// Splits an encoded query on its `^` separators, unescaping `^^` to a literal caret.

/**
 * `^^` is the official escape of a literal caret (GlideStringUtil.escapeQueryTermSeparator,
 * shared/reference/servicenow-api.md §2.4). Carets pair up greedily from the left: in a run of n carets, the first
 * 2·floor(n/2) are floor(n/2) literal carets and an odd one left over is the separator. So `a=x^^^ORb=1` is
 * `a` = "x^" OR `b` = 1, which is exactly what escaping the value "x^" and joining with `^OR` produces. The other
 * reading (separator first, then a literal caret) could never be produced by an escaper: a term starts with a field
 * name or a keyword, never with a caret.
 *
 * Returns the raw terms; the first one was not preceded by a separator, every other one was.
 */
export function splitQueryTerms(query: string): string[] {
  const terms: string[] = [];
  let current = "";
  for (let i = 0; i < query.length; i++) {
    const ch = query.charAt(i);
    if (ch !== "^") {
      current += ch;
    } else if (query.charAt(i + 1) === "^") {
      current += "^";
      i++;
    } else {
      terms.push(current);
      current = "";
    }
  }
  terms.push(current);
  return terms;
}

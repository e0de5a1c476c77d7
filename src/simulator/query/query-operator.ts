// The operator tokens of an encoded query term `<field><OP><value>` (shared/reference/servicenow-api.md §2.2).

/** Operators the engine evaluates. */
export const SUPPORTED_OPERATORS = [
  "=",
  "!=",
  ">",
  ">=",
  "<",
  "<=",
  "IN",
  "NOT IN",
  "LIKE",
  "NOT LIKE",
  "STARTSWITH",
  "ENDSWITH",
  "ISEMPTY",
  "ISNOTEMPTY",
  "ANYTHING",
  "EMPTYSTRING",
  "BETWEEN",
  "SAMEAS",
  "NSAMEAS",
  "DYNAMIC",
  "ON",
  "NOTON",
  "RELATIVEGT",
  "RELATIVELT",
  "RELATIVEGE",
  "RELATIVELE",
] as const;

/**
 * Real ServiceNow operators the engine does not evaluate. They are still recognised so that the field name is split
 * off correctly (e.g. `INSTANCEOF` must not parse as `IN` + "STANCEOF"); compileQuery treats such a term as invalid.
 */
export const UNSUPPORTED_OPERATORS = [
  "MORETHAN",
  "LESSTHAN",
  "DATEPART",
  "IN_HIERARCHY",
  "INSTANCEOF",
  "VALCHANGES",
  "CHANGESFROM",
  "CHANGESTO",
  "GT_FIELD",
  "LT_FIELD",
  "GT_OR_EQUALS_FIELD",
  "LT_OR_EQUALS_FIELD",
  "RELATIVEEE",
] as const;

export type SupportedOperator = (typeof SUPPORTED_OPERATORS)[number];
export type QueryOperator = SupportedOperator | (typeof UNSUPPORTED_OPERATORS)[number];

// Longest first, so that `>=` wins over `>`, `NOT LIKE` over `NOT IN`'s prefix, `INSTANCEOF` over `IN`.
const BY_LENGTH: readonly QueryOperator[] = [...SUPPORTED_OPERATORS, ...UNSUPPORTED_OPERATORS].sort(
  (a, b) => b.length - a.length,
);

const SUPPORTED: ReadonlySet<string> = new Set(SUPPORTED_OPERATORS);

export function isSupportedOperator(operator: QueryOperator): operator is SupportedOperator {
  return SUPPORTED.has(operator);
}

/** The longest operator starting at `index` of `text`, if any. Operator words are case-sensitive (uppercase). */
export function matchOperatorAt(text: string, index: number): QueryOperator | undefined {
  return BY_LENGTH.find((operator) => text.startsWith(operator, index));
}

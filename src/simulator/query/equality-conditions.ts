// `=`, `!=`, `DYNAMIC`, `IN`, `NOT IN`, `SAMEAS`, `NSAMEAS` (shared/reference/servicenow-api.md §2.2).

import { compareFieldValues } from "./compare-field-values.js";
import {
  type ConditionCompilation,
  type ConditionInput,
  invalidTerm,
  storedValueReader,
  validTerm,
} from "./compiled-condition.js";
import { boundCandidate, weakestBound } from "./lower-bound.js";
import { resolveLiterals } from "./resolve-literal.js";

export type EqualityOperator = "=" | "!=" | "DYNAMIC" | "IN" | "NOT IN";

/**
 * Equality in the column's order: numbers numerically ("5" = "5.0"), booleans as true/false/1/0, references by sys_id,
 * strings case-sensitively. `IN` splits its value on `,` (no escape exists, §2.4) and keeps entries as written.
 * `DYNAMIC<sys_id>` names a dynamic filter option (e.g. "Me") that a real instance resolves by running a script; this
 * engine cannot, and compares the stored value with the sys_id literally, like `=`.
 * Negative operators match empty values: ServiceNow adds `OR <field> IS NULL` to `!=`/`NOT IN` [UNVERIFIED].
 */
export function compileEquality(input: ConditionInput, operator: EqualityOperator): ConditionCompilation {
  const isList = operator === "IN" || operator === "NOT IN";
  const literals = resolveLiterals(isList ? input.value.split(",") : [input.value], input.now);
  if (literals === undefined) return invalidTerm("unsupported-javascript");
  const read = storedValueReader(input);
  const isMember = (value: string): boolean => literals.some((l) => compareFieldValues(input.type, value, l) === 0);
  if (operator === "!=" || operator === "NOT IN") return validTerm(input.field, (r) => !isMember(read(r)));
  const bound = weakestBound(
    input.type,
    literals.map((l) => boundCandidate(input.type, l, true)),
  );
  return validTerm(input.field, (r) => isMember(read(r)), bound);
}

/**
 * `SAMEAS<other field>` compares two columns of the same record with the first column's type. Like SQL `a = b`, an
 * empty side never compares equal; `NSAMEAS` is its negation (so it matches when either side is empty).
 */
export function compileSameAs(input: ConditionInput, negated: boolean): ConditionCompilation {
  const otherField = input.value;
  if (input.ctx.fieldType(otherField) === undefined) return invalidTerm("unknown-field", [otherField]);
  const read = storedValueReader(input);
  const readOther = storedValueReader({ ...input, field: otherField });
  return validTerm(input.field, (record) => {
    const [a, b] = [read(record), readOther(record)];
    const same = a !== "" && b !== "" && compareFieldValues(input.type, a, b) === 0;
    return same !== negated;
  });
}

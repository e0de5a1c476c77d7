// What compiling one term produces, shared by the operator families and compileQuery.
import type { FieldType, SimRecord } from "../schema/types.js";
import type { QueryContext } from "./types.js";

/** A lower bound on the condition's own field, without the field name. */
export interface BoundCandidate {
  value: string;
  inclusive: boolean;
}

export interface CompiledCondition {
  field: string;
  matches(record: SimRecord): boolean;
  /** Set when every record matching this condition has `field` at or above (`inclusive`) / above the value. */
  lowerBound?: BoundCandidate;
}

/** One `^NQ` group after compilation: the AND of its OR chains (invalid terms already dropped). */
export type CompiledGroup = CompiledCondition[][];

/** Why a term was dropped. Only `unknown-field` exists in ServiceNow; the others are limits of this engine. */
export type InvalidTermReason =
  | "unknown-field"
  | "unsupported-operator"
  | "unsupported-javascript"
  | "malformed-value"
  | "malformed-term";

export type ConditionCompilation =
  | { ok: true; condition: CompiledCondition }
  | { ok: false; reason: InvalidTermReason; unknownFields: string[] };

/** A condition ready to be compiled: field known to exist, operator supported. */
export interface ConditionInput {
  field: string;
  type: FieldType;
  value: string;
  ctx: QueryContext;
  now: Date;
}

export function invalidTerm(reason: InvalidTermReason, unknownFields: string[] = []): ConditionCompilation {
  return { ok: false, reason, unknownFields };
}

export function validTerm(
  field: string,
  matches: (record: SimRecord) => boolean,
  lowerBound?: BoundCandidate,
): ConditionCompilation {
  return { ok: true, condition: lowerBound === undefined ? { field, matches } : { field, matches, lowerBound } };
}

/** The stored value of the condition's field; "" when empty or not resolvable (dot-walk through an empty reference). */
export function storedValueReader(input: ConditionInput): (record: SimRecord) => string {
  return (record) => input.ctx.value(record, input.field) ?? "";
}

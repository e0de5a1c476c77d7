// The what-if calculator's core (carbon-model.md §6): parsed file → outputs in input order, and the elements that
// could not be computed with every problem named. Pure; the CLI verb reads the file and prints.
import { estimateMonth } from "./estimate-month.js";
import type { FactorSet } from "./factor-set.js";
import { parseWhatIfInput, type WhatIfId } from "./parse-what-if-input.js";
import { type WhatIfOutput, whatIfOutput } from "./what-if-output.js";

export interface WhatIfFailure {
  /** Position in the input array, from 0. */
  index: number;
  id: WhatIfId;
  /** `field: message`, one per problem. */
  problems: string[];
}

export interface WhatIfResult {
  /** The elements that could be computed, in input order. */
  outputs: WhatIfOutput[];
  failures: WhatIfFailure[];
}

/** @throws ConnectorError kind "usage" when `json` is not an array. */
export function estimateWhatIf(json: unknown, factors: FactorSet): WhatIfResult {
  const outputs: WhatIfOutput[] = [];
  const failures: WhatIfFailure[] = [];
  for (const element of parseWhatIfInput(json, factors)) {
    if (element.ok) outputs.push(whatIfOutput(element.id, estimateMonth(element.input, factors)));
    else failures.push({ index: element.index, id: element.id, problems: element.problems });
  }
  return { outputs, failures };
}

/** "input[2] (id "M2")" — names an element by position and, when it has one, by id. */
export function elementName(index: number, id: WhatIfId): string {
  return id === null ? `input[${index}]` : `input[${index}] (id ${JSON.stringify(id)})`;
}

// One element of the what-if output (carbon-model.md §6), fields in the spec's order, numbers unrounded.
import type { CarbonGrade, Co2eG, ConfidenceLevel, MonthEstimate } from "../domain/estimate.js";
import { carbonMethodLabel } from "./method-id.js";
import type { WhatIfId } from "./parse-what-if-input.js";

export interface WhatIfOutput {
  id: WhatIfId;
  co2eG: Co2eG;
  dataCentreKwh: number;
  sci: { gPerVisit: number | null; gPerPageView: number | null; gPerTransaction: number | null };
  grade: CarbonGrade | null;
  confidence: { score: number | null; level: ConfidenceLevel | null };
  defaulted: string[];
  method: string;
}

export function whatIfOutput(id: WhatIfId, e: MonthEstimate): WhatIfOutput {
  const c = e.co2eG;
  return {
    id,
    co2eG: {
      total: c.total,
      operational: c.operational,
      embodied: c.embodied,
      devices: c.devices,
      network: c.network,
      dataCentre: c.dataCentre,
      devicesOp: c.devicesOp,
      devicesEmb: c.devicesEmb,
      networkOp: c.networkOp,
      networkEmb: c.networkEmb,
      dataCentreOp: c.dataCentreOp,
      dataCentreEmb: c.dataCentreEmb,
    },
    dataCentreKwh: e.dataCentreKwh,
    sci: { gPerVisit: e.sci.gPerVisit, gPerPageView: e.sci.gPerPageView, gPerTransaction: e.sci.gPerTransaction },
    grade: e.grade,
    confidence: { score: e.confidence.score, level: e.confidence.level },
    defaulted: [...e.defaulted],
    method: carbonMethodLabel(e.factorSetId),
  };
}

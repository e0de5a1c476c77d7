// Confidence levels of carbon-model.md §3: the score is the grams-weighted quality of the inputs (measured 1,
// declared 0.6, default 0.2 by default), so HIGH means most grams rest on measured inputs.
import type { Confidence, ConfidenceLevel } from "../domain/estimate.js";

export function confidenceLevel(score: number): ConfidenceLevel {
  if (score >= 0.8) return "HIGH";
  if (score >= 0.5) return "MEDIUM";
  return "LOW";
}

/** Σ(grams × quality) / Σ grams; no grams, no confidence. */
export function confidenceOf(weightedGrams: number, totalG: number): Confidence {
  if (!(totalG > 0)) return { score: null, level: null };
  const score = weightedGrams / totalG;
  return { score, level: confidenceLevel(score) };
}

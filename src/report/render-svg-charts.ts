// The report's charts as inline SVG strings (pure). No script, no font, no external reference: the file draws the
// same in a browser, in print and with JavaScript off. Each chart is `role="img"` named by its <title> and
// described by its <desc>; the figure's <table> carries the values for screen readers and for copying, so the marks
// themselves stay out of the accessibility tree. One `g.bar` per table row, with the row's value in `data-value`.
import { escapeHtml } from "./escape-html.js";

/**
 * Colours of marks, each at least 3:1 against the white page (WCAG 2.2 SC 1.4.11, non-text contrast), and of text,
 * at least 4.5:1 (SC 1.4.3). test/report/render-svg-charts.test.ts checks every one.
 */
export const PALETTE = {
  ink: "#1f2328",
  muted: "#57606a",
  grid: "#d0d7de",
  band: "#e8eef7",
  primary: "#1d4f91",
  secondary: "#5a87c5",
  none: "#6b7280",
  grade: { A: "#1a7a3a", B: "#4d8a1f", C: "#6f8a00", D: "#8a7400", E: "#a86200", F: "#c2410c", G: "#b91c1c" },
  confidence: { HIGH: "#1a7a3a", MEDIUM: "#8a6d00", LOW: "#b91c1c" },
  usage: { used: "#1d4f91", underused: "#a86200", unused: "#b91c1c", "no-data": "#6b7280" },
} as const;

/** Mark colours (PALETTE minus text and decoration), for the contrast test. */
export const MARK_COLOURS: readonly string[] = [
  PALETTE.primary,
  PALETTE.secondary,
  PALETTE.none,
  ...Object.values(PALETTE.grade),
  ...Object.values(PALETTE.confidence),
  ...Object.values(PALETTE.usage),
];

export interface ChartText {
  /** Prefix of the ids of the chart's <title> and <desc>; unique in the page. */
  id: string;
  title: string;
  desc: string;
}

export interface BarPart {
  value: number;
  color: string;
}

export interface BarRow {
  label: string;
  /** Stacked left to right; the bar's length is their sum. */
  parts: readonly BarPart[];
  valueText: string;
}

export interface Column {
  label: string;
  value: number;
  valueText: string;
  color: string;
}

export interface ColumnOptions {
  /** Axis tick text for a value. */
  tick: (value: number) => string;
  /** Write each column's value above it (few columns). */
  showValues?: boolean;
  /** Label every nth column on the x axis (many columns). */
  labelEvery?: number;
  /** A shaded band behind columns from..to (indexes, inclusive), with a label. */
  band?: { from: number; to: number; label: string };
}

const W = 720;
const r1 = (x: number): string => String(Math.round(x * 10) / 10);

function truncate(label: string, max: number): string {
  return label.length <= max ? label : `${label.slice(0, max - 1).trimEnd()}…`;
}

function open(text: ChartText, height: number): string {
  return (
    `<svg class="chart" viewBox="0 0 ${W} ${r1(height)}" role="img" aria-labelledby="${text.id}-t" ` +
    `aria-describedby="${text.id}-d"><title id="${text.id}-t">${escapeHtml(text.title)}</title>` +
    `<desc id="${text.id}-d">${escapeHtml(text.desc)}</desc>`
  );
}

/** A "nice" axis maximum at or above `max` whose quarters are round too (1, 2, 4, 6 or 8 × 10^k). */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 4, 6, 8, 10]) if (m * p >= max * (1 - 1e-12)) return m * p;
  return 10 * p;
}

/** Horizontal bars, one per row, labels on the left and the value at the end of the bar. */
export function horizontalBarChart(rows: readonly BarRow[], text: ChartText, labelWidth = 280): string {
  const rowH = 22;
  const barH = 14;
  const valueW = 90;
  const height = rows.length * rowH + 8;
  const scaleW = W - labelWidth - valueW;
  const max = Math.max(0, ...rows.map((r) => r.parts.reduce((s, p) => s + p.value, 0)));
  // About 7 px per character at 12 px in the usual sans-serif fonts; the full name is in the <title> and the table.
  const maxChars = Math.floor((labelWidth - 10) / 7);
  const out = [open(text, height)];
  rows.forEach((r, i) => {
    const y = 4 + i * rowH;
    const total = r.parts.reduce((s, p) => s + p.value, 0);
    let x = labelWidth;
    const rects: string[] = [];
    for (const p of r.parts) {
      const w = max > 0 ? (Math.max(0, p.value) / max) * scaleW : 0;
      // A white edge between stacked parts keeps them apart whatever their colours (SC 1.4.11).
      rects.push(
        `<rect x="${r1(x)}" y="${y + (rowH - barH) / 2}" width="${r1(w)}" height="${barH}" fill="${p.color}"${r.parts.length > 1 ? ' stroke="#fff"' : ""}/>`,
      );
      x += w;
    }
    out.push(
      `<g class="bar" data-value="${total}"><title>${escapeHtml(`${r.label}: ${r.valueText}`)}</title>` +
        `<text x="${labelWidth - 8}" y="${y + rowH / 2}" text-anchor="end" dominant-baseline="central">${escapeHtml(truncate(r.label, maxChars))}</text>` +
        `${rects.join("")}<text x="${r1(x + 6)}" y="${y + rowH / 2}" dominant-baseline="central">${escapeHtml(r.valueText)}</text></g>`,
    );
  });
  out.push("</svg>");
  return out.join("");
}

/** Vertical columns on a value axis with gridlines, optionally a shaded band behind some of them. */
export function columnChart(columns: readonly Column[], text: ChartText, options: ColumnOptions): string {
  const height = 260;
  const left = 64;
  const right = 8;
  const top = options.band || options.showValues ? 26 : 10;
  const bottom = 30;
  const plotH = height - top - bottom;
  const slot = (W - left - right) / Math.max(1, columns.length);
  const colW = Math.max(2, slot * 0.7);
  const max = niceMax(Math.max(0, ...columns.map((c) => c.value)));
  const yOf = (v: number) => top + plotH - (Math.max(0, v) / max) * plotH;
  const out = [open(text, height)];
  if (options.band && columns.length > 0) {
    const x0 = left + options.band.from * slot;
    const x1 = left + (options.band.to + 1) * slot;
    out.push(
      `<rect class="band" x="${r1(x0)}" y="${top}" width="${r1(x1 - x0)}" height="${plotH}" fill="${PALETTE.band}"/>`,
      `<text x="${r1((x0 + x1) / 2)}" y="${top - 8}" text-anchor="middle" class="note">${escapeHtml(options.band.label)}</text>`,
    );
  }
  for (let k = 0; k <= 4; k++) {
    const v = (max * k) / 4;
    const y = yOf(v);
    out.push(
      `<line x1="${left}" x2="${W - right}" y1="${r1(y)}" y2="${r1(y)}" stroke="${PALETTE.grid}"/>`,
      `<text x="${left - 6}" y="${r1(y)}" text-anchor="end" dominant-baseline="central">${escapeHtml(options.tick(v))}</text>`,
    );
  }
  const every = options.labelEvery ?? 1;
  columns.forEach((c, i) => {
    const x = left + i * slot + (slot - colW) / 2;
    const y = yOf(c.value);
    // Counted from the last column, so the most recent one always has its label and the spacing stays even.
    const label =
      (columns.length - 1 - i) % every === 0
        ? `<text x="${r1(x + colW / 2)}" y="${height - bottom + 16}" text-anchor="middle">${escapeHtml(c.label)}</text>`
        : "";
    const value = options.showValues
      ? `<text x="${r1(x + colW / 2)}" y="${r1(y - 6)}" text-anchor="middle">${escapeHtml(c.valueText)}</text>`
      : "";
    out.push(
      `<g class="bar" data-value="${c.value}"><title>${escapeHtml(`${c.label}: ${c.valueText}`)}</title>` +
        `<rect x="${r1(x)}" y="${r1(y)}" width="${r1(colW)}" height="${r1(top + plotH - y)}" fill="${c.color}"/>${value}${label}</g>`,
    );
  });
  out.push(
    `<line x1="${left}" x2="${W - right}" y1="${top + plotH}" y2="${top + plotH}" stroke="${PALETTE.muted}"/></svg>`,
  );
  return out.join("");
}

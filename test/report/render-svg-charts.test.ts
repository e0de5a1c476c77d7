// The report's SVG charts as strings: one mark per value, drawn to scale, names escaped, no NaN, and colours with
// enough contrast on the white page (WCAG 2.2 SC 1.4.11 for marks, 1.4.3 for text).
import { describe, expect, it } from "vitest";
import { columnChart, horizontalBarChart, MARK_COLOURS, niceMax, PALETTE } from "../../src/report/render-svg-charts.js";

const TEXT = { id: "c", title: "Émissions <par> service", desc: "Barres & valeurs" };

function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const c = [1, 3, 5].map((i) => {
      const v = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * (c[0] ?? 0) + 0.7152 * (c[1] ?? 0) + 0.0722 * (c[2] ?? 0);
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return ((x ?? 0) + 0.05) / ((y ?? 0) + 0.05);
}

const attr = (svg: string, tag: string, name: string): number[] =>
  [...svg.matchAll(new RegExp(`<${tag} [^>]*?\\b${name}="([^"]+)"`, "g"))].map((m) => Number(m[1]));

describe("horizontalBarChart", () => {
  it("one bar per row, lengths proportional to the values, stacked parts side by side", () => {
    const svg = horizontalBarChart(
      [
        { label: "A", parts: [{ value: 100, color: PALETTE.primary }], valueText: "100" },
        { label: "B", parts: [{ value: 50, color: PALETTE.primary }], valueText: "50" },
        {
          label: "C",
          parts: [
            { value: 10, color: PALETTE.primary },
            { value: 15, color: PALETTE.secondary },
          ],
          valueText: "25",
        },
      ],
      TEXT,
    );
    expect(svg.match(/<g class="bar"/g)).toHaveLength(3);
    expect(svg).toMatch(
      /^<svg class="chart" viewBox="0 0 720 74" role="img" aria-labelledby="c-t" aria-describedby="c-d">/,
    );
    const widths = attr(svg, "rect", "width");
    const xs = attr(svg, "rect", "x");
    expect(widths).toHaveLength(4);
    const full = widths[0] ?? 0;
    expect(full).toBeGreaterThan(300);
    expect(widths[1]).toBeCloseTo(full / 2, 0);
    expect(widths[2]).toBeCloseTo(full / 10, 0);
    expect(widths[3]).toBeCloseTo((full * 15) / 100, 0);
    expect(xs[3]).toBeCloseTo((xs[2] ?? 0) + (widths[2] ?? 0), 0);
    expect(svg).toContain('data-value="25"');
  });

  it("escapes names and titles, shortens long labels but keeps the full name in the bar's title", () => {
    const name = `<script>alert("x")</script> ${"très long nom de service ".repeat(4)}`;
    const svg = horizontalBarChart(
      [{ label: name, parts: [{ value: 1, color: PALETTE.primary }], valueText: "1 kg" }],
      TEXT,
    );
    expect(svg).not.toContain("<script>");
    expect(svg).toContain('<title id="c-t">Émissions &lt;par&gt; service</title>');
    expect(svg).toContain('<desc id="c-d">Barres &amp; valeurs</desc>');
    expect(svg).toContain(
      `<title>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; ${"très long nom de service ".repeat(4)}: 1 kg</title>`,
    );
    const shown = /dominant-baseline="central">([^<]*…)<\/text>/.exec(svg)?.[1] ?? "";
    expect(shown.replace(/&[a-z]+;/g, "x").length).toBeLessThanOrEqual(40);
  });

  it("all values 0: empty bars, no NaN", () => {
    const svg = horizontalBarChart([{ label: "x", parts: [{ value: 0, color: PALETTE.none }], valueText: "0" }], TEXT);
    expect(svg).not.toContain("NaN");
    expect(attr(svg, "rect", "width")).toEqual([0]);
  });
});

describe("columnChart", () => {
  it("one column per value, heights to scale on a round axis, the band behind the chosen columns", () => {
    const values = [10, 20, 40, 30];
    const svg = columnChart(
      values.map((v, i) => ({ label: `m${i}`, value: v, valueText: String(v), color: PALETTE.primary })),
      TEXT,
      { tick: (v) => String(v), band: { from: 2, to: 3, label: "année" }, labelEvery: 2 },
    );
    expect(svg.match(/<g class="bar"/g)).toHaveLength(4);
    const heights = attr(svg, "rect", "height").slice(1); // the band comes first
    expect(heights[2]).toBeGreaterThan(0);
    for (let i = 0; i < 4; i++) expect(heights[i]).toBeCloseTo(((values[i] ?? 0) / 40) * (heights[2] ?? 0), 0);
    expect(svg).toContain('class="band"');
    expect(svg).toContain(">année</text>");
    // Axis at 0, 10, 20, 30, 40; labels every other column counted from the last one.
    for (const tick of ["0", "10", "20", "30", "40"]) expect(svg).toContain(`>${tick}</text>`);
    expect(svg).toContain(">m3</text>");
    expect(svg).toContain(">m1</text>");
    expect(svg).not.toContain(">m2</text>");
    expect(svg).not.toContain("NaN");
  });

  it("niceMax rounds the axis up to 1, 2, 4, 6 or 8 × 10^k", () => {
    expect(niceMax(33.5)).toBe(40);
    expect(niceMax(341)).toBe(400);
    expect(niceMax(0.07)).toBeCloseTo(0.08);
    expect(niceMax(100)).toBe(100);
    expect(niceMax(0)).toBe(1);
  });
});

describe("colours", () => {
  it("marks at least 3:1 and text at least 4.5:1 against the white page", () => {
    for (const c of MARK_COLOURS) expect(contrast(c, "#ffffff"), c).toBeGreaterThanOrEqual(3);
    expect(contrast(PALETTE.ink, "#ffffff")).toBeGreaterThanOrEqual(4.5);
    expect(contrast(PALETTE.muted, "#ffffff")).toBeGreaterThanOrEqual(4.5);
    expect(contrast(PALETTE.primary, "#ffffff")).toBeGreaterThanOrEqual(4.5); // links
    // Columns inside the shaded year band stay visible.
    expect(contrast(PALETTE.primary, PALETTE.band)).toBeGreaterThanOrEqual(3);
  });
});

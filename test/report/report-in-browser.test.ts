// The report `empreinte demo` writes, opened in a real browser (Debian's Chromium, headless, driven by
// playwright-core), as a CIO opens the file: the charts are drawn (one bar per table row, non-empty where the value
// is not 0), nothing is fetched but the file, the console stays clean, no script is needed, the text has enough
// contrast, the print layout drops the navigation; a full-page screenshot is kept as tmp/artifacts/report.png.
// No Chromium is a failure, not a skip: CI installs it (.ci/run).
import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, runCli } from "../helpers/pull-harness.js";

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = join(REPO_ROOT, "tmp/artifacts");

/**
 * Runs in the page: every visible text node with its colour (fill for SVG text) and the first opaque background
 * behind it. A string, because the project's TypeScript has no DOM types.
 */
const TEXT_COLOURS = `(() => {
  const opaque = (css) => !/rgba\\(.*,\\s*0\\)$/.test(css) && css !== "transparent";
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const bg = getComputedStyle(e).backgroundColor;
      if (opaque(bg)) return bg;
    }
    return "rgb(255, 255, 255)";
  };
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || !n.textContent.trim() || el.closest("title, desc, .sr, .skip")) continue;
    const svg = el instanceof SVGElement;
    const style = getComputedStyle(el);
    out.push({ text: n.textContent.trim().slice(0, 40), fg: svg ? style.fill : style.color, bg: background(svg ? el.closest("svg") : el) });
  }
  return out;
})()`;

function rgb(css: string): [number, number, number] {
  const p = (/rgba?\(([^)]+)\)/.exec(css)?.[1] ?? "").split(",").map((x) => Number(x.trim()));
  if (p.length < 3 || p.some((x) => Number.isNaN(x))) throw new Error(`unexpected colour ${css}`);
  return [p[0] ?? 0, p[1] ?? 0, p[2] ?? 0];
}

/** WCAG 2.2 contrast ratio of two sRGB colours. */
function contrast(a: readonly number[], b: readonly number[]): number {
  const lum = (c: readonly number[]) => {
    const [r, g, bl] = c.map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (bl ?? 0);
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return ((x ?? 0) + 0.05) / ((y ?? 0) + 0.05);
}

interface FigureCheck {
  id: string;
  bars: number;
  rows: number;
  /** Bars whose value is above 0 but whose drawn box is empty. */
  emptyBars: number;
  barsWithValue: number;
  /** Accessible name of the chart (its <title> through aria-labelledby). */
  chartName: string;
  caption: string;
}

let reportPath: string;
let browser: Browser;
let reportUrl: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: the report's browser test needs Debian's chromium (apt-get install chromium; .ci/run installs it)`,
    );
  }
  // The report the demo writes (compiled CLI, as `npm run demo` runs it), on a smaller catalogue.
  const demo = await runCli(["demo", "--services", "600"], {}, { built: true });
  if (demo.code !== 0) throw new Error(`empreinte demo exited ${demo.code}: ${demo.stderr}`);
  const outPath = /The CIO report \(\d+ kB, opens offline in any browser\): (\S+\.html)/.exec(demo.stdout)?.[1];
  if (outPath === undefined) throw new Error(`the demo printed no report path:\n${demo.stdout}`);
  reportPath = outPath;
  reportUrl = pathToFileURL(outPath).href;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (reportPath) rmSync(dirname(reportPath), { recursive: true, force: true });
});

describe("the HTML report in Chromium", () => {
  it("draws every chart with one bar per table row, without a script, a request or a console error", async () => {
    // JavaScript off: the report must not need it (page.evaluate below runs in Playwright's own isolated world).
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
    page.on("request", (r) => requests.push(r.url()));
    const response = await page.goto(reportUrl, { waitUntil: "load" });
    expect(response?.ok() ?? true).toBe(true);

    const figures: FigureCheck[] = await page.locator("figure").evaluateAll((nodes) =>
      nodes.map((fig) => {
        const svg = fig.querySelector("svg");
        const bars = [...fig.querySelectorAll("svg g.bar")];
        const withValue = bars.filter((b) => Number(b.getAttribute("data-value")) > 0);
        const empty = withValue.filter((b) =>
          [...b.querySelectorAll("rect")].every((r) => {
            const box = r.getBoundingClientRect();
            return !(box.width > 0 && box.height > 0);
          }),
        );
        const titleId = svg?.getAttribute("aria-labelledby") ?? "";
        return {
          id: fig.id,
          bars: bars.length,
          rows: fig.querySelectorAll("table tbody tr").length,
          emptyBars: empty.length,
          barsWithValue: withValue.length,
          chartName: fig.querySelector(`[id="${titleId}"]`)?.textContent ?? "",
          caption: fig.querySelector("figcaption")?.textContent ?? "",
        };
      }),
    );
    expect(figures.map((f) => f.id)).toEqual([
      "f-segments",
      "f-trend",
      "f-top",
      "f-per-visit",
      "f-domains",
      "f-grades",
      "f-confidence",
      "f-usage",
    ]);
    for (const f of figures) {
      expect(f.bars, `${f.id}: bars`).toBeGreaterThan(0);
      expect(f.bars, `${f.id}: one bar per table row`).toBe(f.rows);
      expect(f.barsWithValue, `${f.id}: bars with data`).toBeGreaterThan(0);
      expect(f.emptyBars, `${f.id}: bars with a value but nothing drawn`).toBe(0);
      expect(f.chartName, `${f.id}: the chart's accessible name`).toBe(f.caption);
    }
    // 24 months of the dev instance; the 15 largest services.
    expect(figures.find((f) => f.id === "f-trend")?.bars).toBe(24);
    expect(figures.find((f) => f.id === "f-top")?.bars).toBe(15);

    // Bars are drawn to scale: the top emitters' bar widths follow their values.
    const top = await page.locator("#f-top svg g.bar").evaluateAll((gs) =>
      gs.map((g) => ({
        value: Number(g.getAttribute("data-value")),
        width: g.querySelector("rect")?.getBoundingClientRect().width ?? 0,
      })),
    );
    const first = top[0];
    expect(first && first.value > 0 && first.width > 0).toBe(true);
    for (const b of top) {
      expect(b.width / (first?.width ?? 1)).toBeCloseTo(b.value / (first?.value ?? 1), 2);
    }

    expect(requests).toEqual([reportUrl]);
    expect(problems).toEqual([]);

    mkdirSync(ARTIFACTS, { recursive: true });
    const shot = join(ARTIFACTS, "report.png");
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(50_000);
    await context.close();
  }, 30_000);

  it("reads well to a screen reader and in print: language, landmarks, named charts and tables, contrast", async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    await page.goto(reportUrl);
    expect(await page.locator("html").getAttribute("lang")).toBe("fr");
    expect(await page.getByRole("main").count()).toBe(1);
    expect(await page.getByRole("navigation", { name: "Sommaire" }).count()).toBe(1);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(
      "Empreinte carbone des services numériques",
    );
    // Each chart is an image with a name; each figure a named group around it and its table.
    const charts = page.getByRole("img");
    expect(await charts.count()).toBe(8);
    expect(await page.getByRole("img", { name: "Émissions mensuelles du portefeuille (t CO2e)" }).count()).toBe(1);
    expect(await page.getByRole("figure").count()).toBe(8);
    expect(await page.getByRole("table").count()).toBe(9);
    expect(await page.getByRole("columnheader").count()).toBeGreaterThan(40);

    // Text contrast, as rendered: every text node's colour against the first opaque background behind it.
    const colours = (await page.evaluate(TEXT_COLOURS)) as Array<{ text: string; fg: string; bg: string }>;
    const ratios = colours.map((c) => ({ ...c, ratio: contrast(rgb(c.fg), rgb(c.bg)) }));
    expect(ratios.length).toBeGreaterThan(500);
    const low = ratios.filter((r) => r.ratio < 4.5);
    expect(low).toEqual([]);

    // Print: the navigation goes, the charts stay.
    await page.emulateMedia({ media: "print" });
    expect(await page.getByRole("navigation").isVisible()).toBe(false);
    expect(await page.locator("#f-trend svg").isVisible()).toBe(true);
    await context.close();
  }, 30_000);
});

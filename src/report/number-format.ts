// How the report writes numbers and months in its language: French uses a comma and a narrow no-break space
// (Intl's fr-FR), English a point and a comma. Rounding happens here only, for display; the `<data value>` next to
// each figure and the exports keep the unrounded value.
import type { ReportLanguage } from "./report-data.js";

export interface NumberFormat {
  locale: string;
  /** Tonnes from kilograms, 1 decimal. */
  tonnes(kg: number): string;
  /** Kilograms: no decimal from 10 kg, 1 below. */
  kg(kg: number): string;
  /** Grams per visit: 3 significant digits. */
  gPerVisit(g: number): string;
  /** A count. */
  int(n: number): string;
  /** A ratio as a percentage, 1 decimal (0.123 → "12.3"). */
  percent(ratio: number): string;
  /** Megawatt-hours from kilowatt-hours, 1 decimal. */
  mwh(kwh: number): string;
  /** `YYYY-MM-01` → "nov. 25" / "Nov 25". */
  monthShort(period: string): string;
  /** `YYYY-MM-01` → "novembre 2025" / "November 2025". */
  monthLong(period: string): string;
  /** An instant → "29 novembre 2026 à 20:16 UTC" / "29 November 2026 at 20:16 UTC". */
  instant(iso: string): string;
}

function monthDate(period: string): Date {
  return new Date(`${period.slice(0, 7)}-01T00:00:00Z`);
}

export function numberFormat(language: ReportLanguage): NumberFormat {
  const locale = language === "fr" ? "fr-FR" : "en-GB";
  const fixed = (digits: number) =>
    new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const one = fixed(1);
  const zero = fixed(0);
  const sig = new Intl.NumberFormat(locale, { minimumSignificantDigits: 3, maximumSignificantDigits: 3 });
  const short = new Intl.DateTimeFormat(locale, { month: "short", year: "2-digit", timeZone: "UTC" });
  const long = new Intl.DateTimeFormat(locale, { month: "long", year: "numeric", timeZone: "UTC" });
  const instant = new Intl.DateTimeFormat(locale, { dateStyle: "long", timeStyle: "short", timeZone: "UTC" });
  return {
    locale,
    tonnes: (kg) => one.format(kg / 1000),
    kg: (kg) => (Math.abs(kg) >= 10 ? zero.format(kg) : one.format(kg)),
    gPerVisit: (g) => sig.format(g),
    int: (n) => zero.format(n),
    percent: (ratio) => one.format(ratio * 100),
    mwh: (kwh) => one.format(kwh / 1000),
    monthShort: (period) => short.format(monthDate(period)),
    monthLong: (period) => long.format(monthDate(period)),
    instant: (iso) => `${instant.format(new Date(iso))} UTC`,
  };
}

import { describe, expect, it } from "vitest";
import {
  formatDecimal,
  formatInteger,
  formatUtcDate,
  formatUtcDateTime,
} from "../../src/simulator/data/format-values.js";
import { monthWindow } from "../../src/simulator/data/month-window.js";

describe("formatDecimal", () => {
  it("rounds to the scale and drops trailing zeros", () => {
    expect(formatDecimal(12.5, 2)).toBe("12.5");
    expect(formatDecimal(12.5, 4)).toBe("12.5");
    expect(formatDecimal(1.8, 2)).toBe("1.8");
    expect(formatDecimal(1.45, 2)).toBe("1.45");
    expect(formatDecimal(0.125, 3)).toBe("0.125");
    expect(formatDecimal(0.12549, 3)).toBe("0.125");
    expect(formatDecimal(3, 3)).toBe("3");
    expect(formatDecimal(100, 2)).toBe("100");
    expect(formatDecimal(2.996, 2)).toBe("3");
    expect(formatDecimal(0.0004, 3)).toBe("0");
    expect(formatDecimal(-0.0004, 3)).toBe("0");
    expect(formatDecimal(1234567.891, 2)).toBe("1234567.89");
    expect(formatDecimal(15, 0)).toBe("15");
    expect(formatDecimal(10, 0)).toBe("10");
  });

  it("writes integers as plain digits", () => {
    expect(formatInteger(1234.4)).toBe("1234");
    expect(formatInteger(1_950_000)).toBe("1950000");
    expect(formatInteger(0)).toBe("0");
  });
});

describe("formatUtcDateTime", () => {
  it("writes the stored UTC form, across days, months and years", () => {
    expect(formatUtcDateTime(Date.UTC(2026, 9, 31, 18, 0, 0))).toBe("2026-10-31 18:00:00");
    expect(formatUtcDateTime(Date.UTC(2026, 9, 31, 23, 59, 59))).toBe("2026-10-31 23:59:59");
    expect(formatUtcDateTime(Date.UTC(2026, 10, 1, 0, 0, 0))).toBe("2026-11-01 00:00:00");
    expect(formatUtcDateTime(Date.UTC(2026, 9, 31, 7, 5, 9, 999))).toBe("2026-10-31 07:05:09");
    expect(formatUtcDateTime(Date.UTC(2023, 11, 31, 23, 59, 59))).toBe("2023-12-31 23:59:59");
    expect(formatUtcDateTime(Date.UTC(2024, 1, 29, 12, 0, 0))).toBe("2024-02-29 12:00:00");
    expect(formatUtcDate(Date.UTC(2024, 10, 1))).toBe("2024-11-01");
  });
});

describe("monthWindow", () => {
  it("ends with the month before the anchor", () => {
    const window = monthWindow("2026-11", 24);
    expect(formatUtcDate(window.periodStartMs(0))).toBe("2024-11-01");
    expect(formatUtcDate(window.periodStartMs(23))).toBe("2026-10-01");
    expect(window.periodStartMs(24)).toBe(window.anchorStartMs);
    expect(formatUtcDate(window.periodStartMs(-13))).toBe("2023-10-01");
    expect(window.calendarMonth(0)).toBe(10);
    expect(window.calendarMonth(2)).toBe(0);
    expect(window.calendarMonth(-11)).toBe(11);
  });

  it("crosses year boundaries and rejects bad anchors", () => {
    const window = monthWindow("2026-01", 1);
    expect(formatUtcDate(window.periodStartMs(0))).toBe("2025-12-01");
    expect(() => monthWindow("2026-00", 1)).toThrow(RangeError);
    expect(() => monthWindow("2026-1", 1)).toThrow(RangeError);
  });
});

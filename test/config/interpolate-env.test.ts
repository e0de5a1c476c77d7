// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests are about the config file's ${VAR} syntax
import { describe, expect, it } from "vitest";
import { interpolateEnv, interpolateString } from "../../src/config/interpolate-env.js";

describe("interpolateString", () => {
  const env = { HOST: "acme.service-now.com", EMPTY: "", PORT: "8443" };

  it("replaces ${VAR} anywhere in the string, several times", () => {
    expect(interpolateString("https://${HOST}:${PORT}/x", env)).toEqual({
      value: "https://acme.service-now.com:8443/x",
      problems: [],
    });
  });

  it("uses the ${VAR:-default} fallback when the variable is unset or empty, and an empty fallback is allowed", () => {
    expect(interpolateString("${MISSING:-fallback}", env).value).toBe("fallback");
    expect(interpolateString("${EMPTY:-fallback}", env).value).toBe("fallback");
    expect(interpolateString("${MISSING:-}", env).value).toBe("");
    expect(interpolateString("${HOST:-fallback}", env).value).toBe("acme.service-now.com");
  });

  it("treats an empty variable without fallback as missing", () => {
    const result = interpolateString("${EMPTY}", env);
    expect(result.value).toBeUndefined();
    expect(result.problems).toEqual([
      "environment variable EMPTY is not set (or is empty): set it, or write ${EMPTY:-default} in the file",
    ]);
  });

  it("writes a literal ${ for $${ and never re-interpolates a variable's value", () => {
    expect(interpolateString("cost: $${HOST}", env).value).toBe("cost: ${HOST}");
    expect(interpolateString("${VALUE}", { VALUE: "${HOST}" }).value).toBe("${HOST}");
  });

  it("reports an unclosed or malformed reference", () => {
    expect(interpolateString("${HOST", env).problems[0]).toContain("never closed");
    expect(interpolateString("${1BAD}", env).problems[0]).toContain("invalid ${…} reference");
  });
});

describe("interpolateEnv", () => {
  it("interpolates every string of the document, in maps and lists, leaving other scalars alone", () => {
    const doc = { a: { b: "${X}", n: 3, t: true, z: null }, list: ["${X}-1", "plain"] };
    expect(interpolateEnv(doc, { X: "x" })).toEqual({
      value: { a: { b: "x", n: 3, t: true, z: null }, list: ["x-1", "plain"] },
      problems: [],
      unset: [],
    });
  });

  it("does not interpolate keys", () => {
    expect(interpolateEnv({ "${X}": "v" }, { X: "x" }).value).toEqual({ "${X}": "v" });
  });

  it("lists every missing variable with its YAML path, and drops the values it could not resolve", () => {
    const doc = {
      instances: { default: { url: "${SN_INSTANCE_URL}", auth: { password: "${PROD_PW}" } } },
      jobs: { nightly: { steps: ["pull", "${STEP}"] } },
    };
    const result = interpolateEnv(doc, {});
    expect(result.problems).toEqual([
      {
        path: ["instances", "default", "url"],
        message: expect.stringContaining("environment variable SN_INSTANCE_URL is not set"),
      },
      {
        path: ["instances", "default", "auth", "password"],
        message: expect.stringContaining("environment variable PROD_PW is not set"),
      },
      {
        path: ["jobs", "nightly", "steps", 1],
        message: expect.stringContaining("environment variable STEP is not set"),
      },
    ]);
    // Each unset variable by name, pointing at its problem (a caller may decide it does not need the value).
    expect(result.unset.map((u) => [u.variable, u.problem])).toEqual([
      ["SN_INSTANCE_URL", result.problems[0]],
      ["PROD_PW", result.problems[1]],
      ["STEP", result.problems[2]],
    ]);
    expect(result.value).toEqual({
      instances: { default: { auth: {} } },
      jobs: { nightly: { steps: ["pull", undefined] } },
    });
  });
});

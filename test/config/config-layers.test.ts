// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests are about the config file's ${VAR} syntax
import { describe, expect, it } from "vitest";
import { applyEnv } from "../../src/config/apply-env.js";
import { EmpreinteConfig } from "../../src/config/config-schema.js";
import { dropEmptyStrings } from "../../src/config/drop-empty-strings.js";
import { findLiteralSecrets } from "../../src/config/find-literal-secrets.js";
import { mergeLayers } from "../../src/config/merge-layers.js";

describe("mergeLayers", () => {
  it("merges maps key by key, later layers winning, and replaces arrays whole", () => {
    const merged = mergeLayers(
      { sync: { batchSize: 10, pushMode: "patch" }, jobs: { a: { steps: ["pull", "estimate", "push"] } } },
      { sync: { batchSize: 20 }, jobs: { a: { steps: ["pull"] } } },
      undefined,
    );
    expect(merged).toEqual({ sync: { batchSize: 20, pushMode: "patch" }, jobs: { a: { steps: ["pull"] } } });
  });

  it("keeps a __proto__ key from a file as data, so the schema rejects it instead of it changing a prototype", () => {
    const fromFile = JSON.parse('{"__proto__": {"polluted": true}, "sync": {}}') as unknown;
    const merged = mergeLayers(fromFile);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.keys(merged)).toEqual(["__proto__", "sync"]);
    const result = EmpreinteConfig.safeParse(merged);
    expect(result.success).toBe(false);
  });
});

describe("dropEmptyStrings", () => {
  it('removes "" values from maps at any depth but keeps list positions', () => {
    expect(dropEmptyStrings({ a: "", b: { c: "", d: "x", e: 0 }, f: ["", "y"] })).toEqual({
      b: { d: "x", e: 0 },
      f: ["", "y"],
    });
  });
});

describe("applyEnv", () => {
  it("keeps an OAuth file OAuth when only SN_USERNAME and SN_PASSWORD are set", () => {
    const file = { instances: { default: { auth: { kind: "oauth", clientId: "c", clientSecret: "s" } } } };
    expect(applyEnv(file, { SN_USERNAME: "u", SN_PASSWORD: "p" })).toEqual({
      instances: {
        default: { auth: { kind: "oauth", clientId: "c", clientSecret: "s", username: "u", password: "p" } },
      },
    });
  });

  it("leaves the layer unchanged when no variable is set, and does not mutate its input", () => {
    const file = { instances: { default: { url: "https://a.example.org" } } };
    const copy = structuredClone(file);
    expect(applyEnv(file, { SN_INSTANCE_URL: "" })).toEqual(copy);
    applyEnv(file, { SN_INSTANCE_URL: "https://b.example.org", EMPREINTE_DB: "x.db" });
    expect(file).toEqual(copy);
  });
});

describe("findLiteralSecrets", () => {
  it("accepts secrets that are entirely ${VAR} and flags literal ones at any depth", () => {
    const doc = {
      instances: {
        a: { auth: { password: "${A_PW}", clientSecret: "${A_CS:-}" } },
        b: { auth: { password: "plain", clientSecret: "pre-${B_CS}" } },
      },
      estimation: { factorOverrides: { apiKey: "k" } },
    };
    expect(findLiteralSecrets(doc)).toEqual([
      expect.stringMatching(/^instances\.b\.auth\.password is written in the config file/),
      expect.stringMatching(/^instances\.b\.auth\.clientSecret has a literal part/),
      expect.stringMatching(/^estimation\.factorOverrides\.apiKey is written in the config file/),
    ]);
  });
});

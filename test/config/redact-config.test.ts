import { describe, expect, it } from "vitest";
import { collectSecrets } from "../../src/config/collect-secrets.js";
import { EmpreinteConfig } from "../../src/config/config-schema.js";
import { REDACTED, redactConfig } from "../../src/config/redact-config.js";

const config = EmpreinteConfig.parse({
  instances: {
    default: { url: "https://a.example.org", auth: { kind: "basic", username: "svc", password: "basic-pw-1" } },
    grant: {
      url: "https://b.example.org",
      auth: { kind: "oauth", clientId: "cid", clientSecret: "oauth-cs-2", username: "svc2", password: "grant-pw-3" },
    },
    machine: { url: "https://c.example.org", auth: { kind: "oauth", clientId: "cid2", clientSecret: "oauth-cs-4" } },
  },
  // A secret pasted where it does not belong still gets hidden.
  catalogue: { query: "u_note=basic-pw-1" },
  estimation: { factorOverrides: { apiToken: "x", token: "tok-5" } },
});

describe("redactConfig", () => {
  it("replaces every secret and leaves everything else as it is", () => {
    const redacted = redactConfig(config);
    const text = JSON.stringify(redacted);
    for (const secret of ["basic-pw-1", "oauth-cs-2", "grant-pw-3", "oauth-cs-4", "tok-5"]) {
      expect(text).not.toContain(secret);
    }
    expect(redacted.instances.default?.auth).toEqual({ kind: "basic", username: "svc", password: REDACTED });
    expect(redacted.instances.grant?.auth).toEqual({
      kind: "oauth",
      clientId: "cid",
      clientSecret: REDACTED,
      username: "svc2",
      password: REDACTED,
    });
    expect(redacted.instances.machine?.auth).toMatchObject({ clientId: "cid2", clientSecret: REDACTED });
    expect(redacted.catalogue.query).toBe(`u_note=${REDACTED}`);
    expect({ ...redacted, instances: {}, catalogue: {}, estimation: {} }).toEqual({
      ...config,
      instances: {},
      catalogue: {},
      estimation: {},
    });
  });

  it("returns a deep copy and leaves the original untouched", () => {
    const redacted = redactConfig(config);
    expect(config.instances.default?.auth).toMatchObject({ password: "basic-pw-1" });
    expect(redacted.catalogue.fields).not.toBe(config.catalogue.fields);
  });

  it("also hides extra secret values wherever they appear (e.g. from the environment)", () => {
    const redacted = redactConfig(config, ["svc2"]);
    expect(JSON.stringify(redacted)).not.toContain("svc2");
  });
});

describe("collectSecrets", () => {
  it("finds every secret of the config, plus the secret variables of the environment", () => {
    expect(collectSecrets(config).sort()).toEqual(["basic-pw-1", "grant-pw-3", "oauth-cs-2", "oauth-cs-4", "tok-5"]);
    expect(collectSecrets({}, { SN_PASSWORD: "env-pw", SN_CLIENT_SECRET: "env-cs", SN_USERNAME: "u" }).sort()).toEqual([
      "env-cs",
      "env-pw",
    ]);
  });
});

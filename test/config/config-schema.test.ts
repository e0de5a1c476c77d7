import { describe, expect, it } from "vitest";
import { z } from "zod";
import { EmpreinteConfig } from "../../src/config/config-schema.js";

const instance = { url: "https://acme.service-now.com", auth: { kind: "basic", username: "u", password: "p" } };

function problems(input: unknown): string {
  const result = EmpreinteConfig.safeParse(input);
  if (result.success) throw new Error("expected the config to be rejected");
  return z.prettifyError(result.error);
}

describe("EmpreinteConfig", () => {
  it("fills every default of DESIGN.md §2/§3 from a nearly empty file", () => {
    const config = EmpreinteConfig.parse({ instances: { default: instance } });
    expect(config.instances.default).toMatchObject({
      allowInsecureHttp: false,
      maxConcurrent: 4,
      maxRetryAfterS: 300,
      timeoutMs: 90_000,
      retries: 5,
    });
    expect(config.instances.default?.hourlyRequestQuota).toBeUndefined();
    expect(config.catalogue).toMatchObject({
      instance: "default",
      table: "cmdb_ci_service",
      query: "",
      pageSize: 1000,
      lookbackS: 300,
      retiredStatuses: ["6"],
    });
    expect(config.catalogue.fields).toEqual({
      name: "name",
      operationalStatus: "operational_status",
      criticality: "busines_criticality",
      ownedBy: "owned_by",
      supportGroup: "support_group",
      domain: "u_domain",
      hostingMode: "u_hosting_mode",
      vcpus: "u_vcpu_count",
      ramGb: "u_ram_gb",
      ssdTb: "u_ssd_tb",
      hddTb: "u_hdd_tb",
      servers: "u_server_count",
      pue: "u_pue",
      cpuUtilization: "u_cpu_utilization",
      shareOfHost: "u_host_share",
      hostCountry: "u_host_country",
    });
    expect(config.usage.table).toBe("u_digital_service_usage");
    expect(config.usage.fields).toEqual({
      service: "u_service",
      period: "u_period",
      visits: "u_visits",
      pageViews: "u_page_views",
      transactions: "u_transactions",
      dataGb: "u_data_gb",
      avgSessionMin: "u_avg_session_min",
      mobileShare: "u_mobile_share",
    });
    expect(Object.values(config.owned)).toEqual([
      "u_co2e_kg_year",
      "u_co2e_kg_month",
      "u_energy_kwh_year",
      "u_co2e_g_per_visit",
      "u_carbon_grade",
      "u_carbon_confidence",
      "u_usage_status",
      "u_visits_year",
      "u_carbon_method",
      "u_carbon_computed_on",
    ]);
    expect(config.sync).toEqual({ fullReconcileEveryNRuns: 7, pushMode: "patch", batchSize: 50, leaseTtlS: 600 });
    expect(config.estimation).toEqual({ factorSet: "fr-2024", underusedVisitsPerMonth: 100 });
    expect(config.report).toEqual({ language: "fr" });
    expect(config.jobs).toEqual({});
    expect(config.database).toEqual({ path: "./empreinte.db", busyTimeoutMs: 5000 });
  });

  it("fills a job's defaults: Europe/Paris, all steps, not full", () => {
    const config = EmpreinteConfig.parse({
      instances: { default: instance },
      jobs: { nightly: { cron: "30 2 * * *" } },
    });
    expect(config.jobs.nightly).toEqual({
      cron: "30 2 * * *",
      timeZone: "Europe/Paris",
      steps: ["pull", "estimate", "push"],
      full: false,
    });
  });

  it("parses number-like and boolean-like strings where numbers and booleans are expected", () => {
    const config = EmpreinteConfig.parse({
      instances: {
        default: { ...instance, maxConcurrent: "8", allowInsecureHttp: "TRUE", hourlyRequestQuota: " 500 " },
      },
      estimation: { underusedVisitsPerMonth: "12.5" },
      jobs: { j: { cron: "0 * * * *", full: "true" } },
    });
    expect(config.instances.default?.maxConcurrent).toBe(8);
    expect(config.instances.default?.allowInsecureHttp).toBe(true);
    expect(config.instances.default?.hourlyRequestQuota).toBe(500);
    expect(config.estimation.underusedVisitsPerMonth).toBe(12.5);
    expect(config.jobs.j?.full).toBe(true);
    expect(problems({ instances: { default: { ...instance, maxConcurrent: "four" } } })).toContain(
      "→ at instances.default.maxConcurrent",
    );
  });

  it("accepts OAuth with or without a user, and rejects a user without a password", () => {
    const oauth = { kind: "oauth", clientId: "c", clientSecret: "s" };
    expect(EmpreinteConfig.safeParse({ instances: { default: { ...instance, auth: oauth } } }).success).toBe(true);
    const grant = { ...oauth, username: "u", password: "p" };
    expect(EmpreinteConfig.safeParse({ instances: { default: { ...instance, auth: grant } } }).success).toBe(true);
    const half = { ...oauth, username: "u" };
    expect(problems({ instances: { default: { ...instance, auth: half } } })).toMatch(
      /needs both username and password[\s\S]*→ at instances\.default\.auth\.password/,
    );
  });

  it("rejects an invalid cron expression with the field at fault and an example", () => {
    const text = problems({ instances: { default: instance }, jobs: { nightly: { cron: "61 2 * * *" } } });
    expect(text).toContain('not a valid cron expression "61 2 * * *"');
    expect(text).toContain("61 is a invalid expression for minute");
    expect(text).toContain('e.g. "30 2 * * *"');
    expect(text).toContain("→ at jobs.nightly.cron");
    expect(problems({ instances: { default: instance }, jobs: { x: { cron: "every night" } } })).toContain(
      "expected 5 or 6 fields",
    );
  });

  it("rejects an unknown time zone and accepts IANA names", () => {
    const text = problems({
      instances: { default: instance },
      jobs: { nightly: { cron: "30 2 * * *", timeZone: "Mars/Olympus" } },
    });
    expect(text).toContain('unknown time zone "Mars/Olympus": write an IANA name such as Europe/Paris or UTC');
    expect(text).toContain("→ at jobs.nightly.timeZone");
    for (const timeZone of ["UTC", "America/New_York", "Europe/Paris"]) {
      const job = { cron: "30 2 * * *", timeZone };
      expect(EmpreinteConfig.safeParse({ instances: { default: instance }, jobs: { j: job } }).success).toBe(true);
    }
  });

  it("rejects duplicate or unknown job steps", () => {
    const job = { cron: "0 3 * * *", steps: ["pull", "pull"] };
    expect(problems({ instances: { default: instance }, jobs: { j: job } })).toContain("lists a step twice");
    const bad = { cron: "0 3 * * *", steps: ["pull", "report"] };
    expect(problems({ instances: { default: instance }, jobs: { j: bad } })).toContain("→ at jobs.j.steps[1]");
  });

  it("allows plain http:// only for loopback or with allowInsecureHttp", () => {
    for (const url of ["http://127.0.0.1:8080", "http://localhost:3000/", "http://[::1]:9000"]) {
      expect(EmpreinteConfig.safeParse({ instances: { default: { ...instance, url } } }).success, url).toBe(true);
    }
    const remote = { ...instance, url: "http://acme.example.org" };
    expect(problems({ instances: { default: remote } })).toContain("plain http:// is only allowed for this machine");
    expect(EmpreinteConfig.safeParse({ instances: { default: { ...remote, allowInsecureHttp: true } } }).success).toBe(
      true,
    );
  });

  it("rejects credentials in the URL without echoing them, and strips a trailing slash", () => {
    const text = problems({ instances: { default: { ...instance, url: "https://bob:hunter2@acme.example.org" } } });
    expect(text).toContain("must not contain credentials");
    expect(text).not.toContain("hunter2");
    const config = EmpreinteConfig.parse({
      instances: { default: { ...instance, url: "https://acme.example.org//" } },
    });
    expect(config.instances.default?.url).toBe("https://acme.example.org");
  });

  it("rejects a base query that orders or starts a new query", () => {
    const text = problems({
      instances: { default: instance },
      catalogue: { query: "activeISTRUE^ORDERBYname" },
      usage: { query: "u_visits>0^NQu_visits=0" },
    });
    expect(text).toContain("→ at catalogue.query");
    expect(text).toContain("must not contain ORDERBY");
    expect(text).toContain("→ at usage.query");
    expect(text).toContain("must not contain ^NQ");
  });

  it("allows null for an optional column mapping, not for a required one", () => {
    const config = EmpreinteConfig.parse({ instances: { default: instance }, catalogue: { fields: { pue: null } } });
    expect(config.catalogue.fields.pue).toBeNull();
    expect(problems({ instances: { default: instance }, catalogue: { fields: { name: null } } })).toContain(
      "→ at catalogue.fields.name",
    );
  });

  it("rejects a catalogue or usage instance that is not declared, naming the declared ones", () => {
    const text = problems({ instances: { prod: instance }, usage: { instance: "prod" } });
    expect(text).toContain('no instance named "default" under instances (declared: prod)');
    expect(text).toContain("→ at catalogue.instance");
    expect(text).not.toContain("→ at usage.instance");
  });

  it("rejects owned columns that collide with each other or with an input column", () => {
    const text = problems({
      instances: { default: instance },
      owned: { co2eKgMonth: "u_co2e_kg_year", visitsYear: "u_pue" },
    });
    expect(text).toContain("column u_co2e_kg_year is already owned.co2eKgYear");
    expect(text).toContain("column u_pue is also read as catalogue.fields.pue");
  });

  it("rejects unknown keys at every level (typos are not silently ignored)", () => {
    const text = problems({ instances: { default: { ...instance, timeout: 5 } }, catalog: {}, sync: { batchsize: 5 } });
    expect(text).toContain('Unrecognized key: "catalog"');
    expect(text).toContain('Unrecognized key: "timeout"');
    expect(text).toContain('Unrecognized key: "batchsize"');
  });
});

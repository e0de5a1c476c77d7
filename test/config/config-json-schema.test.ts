import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  CONFIG_JSON_SCHEMA_PATH,
  configJsonSchema,
  configJsonSchemaText,
} from "../../src/config/config-json-schema.js";

const repoRoot = resolve(import.meta.dirname, "../..");

describe("config/empreinte.schema.json", () => {
  it("is up to date with the zod schema (run `npx tsx scripts/gen-config-schema.ts` if not)", () => {
    expect(readFileSync(join(repoRoot, CONFIG_JSON_SCHEMA_PATH), "utf8")).toBe(configJsonSchemaText());
  });

  it("is draft-07 with descriptions for editor hovers and no required top-level section", () => {
    const schema = configJsonSchema() as {
      $schema: string;
      required?: string[];
      additionalProperties: boolean;
      properties: Record<string, { description?: string; properties?: Record<string, { description?: string }> }>;
    };
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(schema.required).toBeUndefined();
    expect(schema.additionalProperties).toBe(false);
    for (const [name, section] of Object.entries(schema.properties)) {
      expect(section.description, name).toBeTruthy();
      for (const [field, sub] of Object.entries(section.properties ?? {})) {
        expect(sub.description, `${name}.${field}`).toBeTruthy();
      }
    }
    expect(schema.properties.catalogue?.properties?.pageSize).toMatchObject({ default: 1000, type: "integer" });
  });

  it("has a --check mode that passes on the committed file", () => {
    const out = execFileSync(process.execPath, ["--import", "tsx", "scripts/gen-config-schema.ts", "--check"], {
      cwd: repoRoot,
      encoding: "utf8",
    });
    expect(out).toContain("is up to date");
  });
});

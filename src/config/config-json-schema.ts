// The JSON Schema of the config file, for editor completion and hovers through the yaml-language-server modeline
// (style-reliability-ecosystem.md C5). Draft-07 because the Red Hat YAML language server supports JSON Schema 7
// and below; io "input" because the file is what users write (defaults optional, before transforms). Refinements
// (cron syntax, time zones, cross-references) are not representable: `empreinte config validate` checks them.
import { z } from "zod";
import { EmpreinteConfig } from "./config-schema.js";

export const CONFIG_JSON_SCHEMA_PATH = "config/empreinte.schema.json";

export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(EmpreinteConfig, { target: "draft-7", io: "input" });
}

/** The exact text of config/empreinte.schema.json: pretty, two-space indent, trailing newline. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

// Writes config/empreinte.schema.json from the zod schema of the configuration. With --check, writes nothing and
// exits 1 when the committed file differs from what the schema generates (CI runs it so the two never drift).
// Usage: tsx scripts/gen-config-schema.ts [--check]
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CONFIG_JSON_SCHEMA_PATH, configJsonSchemaText } from "../src/config/config-json-schema.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const target = resolve(root, CONFIG_JSON_SCHEMA_PATH);
const expected = configJsonSchemaText();

function readCommitted(): string | undefined {
  try {
    return readFileSync(target, "utf8");
  } catch {
    return undefined;
  }
}

if (process.argv.includes("--check")) {
  if (readCommitted() === expected) {
    process.stdout.write(`${CONFIG_JSON_SCHEMA_PATH} is up to date\n`);
  } else {
    process.stderr.write(
      `${CONFIG_JSON_SCHEMA_PATH} is stale: the config schema changed. Run \`npx tsx scripts/gen-config-schema.ts\` and commit the result.\n`,
    );
    process.exitCode = 1;
  }
} else {
  writeFileSync(target, expected);
  process.stdout.write(`wrote ${CONFIG_JSON_SCHEMA_PATH}\n`);
}

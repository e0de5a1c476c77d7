// Serializer plans reused across requests: the connector sends the same `sysparm_fields` on every PATCH and page,
// and planning them (a schema lookup per name and segment) was ~4% of a PATCH's CPU on the instance. A plan depends on
// the schema only, so a schema change (a column added through sys_dictionary) drops them all.
import type { SchemaRegistry } from "../schema/schema-registry.js";
import { planSerializer, type SerializePlanOptions, type SerializeStep } from "./serialize-record.js";

/** Distinct requests' plans kept at most; the keys come from clients, so the cache must not grow with them. */
const MAX_PLANS = 256;

const cache = new WeakMap<SchemaRegistry, { generation: number; plans: Map<string, SerializeStep[]> }>();

export function serializerPlan(schema: SchemaRegistry, opts: Omit<SerializePlanOptions, "schema">): SerializeStep[] {
  let entry = cache.get(schema);
  if (entry === undefined || entry.generation !== schema.generation) {
    entry = { generation: schema.generation, plans: new Map() };
    cache.set(schema, entry);
  }
  // Field names never hold a comma (sysparm_fields is split on them), so the joined list is unambiguous.
  const key = `${opts.table}\0${opts.displayValue}\0${opts.excludeReferenceLink}\0${opts.fields?.join(",") ?? "\0*"}`;
  let plan = entry.plans.get(key);
  if (plan === undefined) {
    plan = planSerializer({ ...opts, schema });
    if (entry.plans.size >= MAX_PLANS) entry.plans.clear();
    entry.plans.set(key, plan);
  }
  return plan;
}

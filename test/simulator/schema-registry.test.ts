import { describe, expect, it } from "vitest";
import { SchemaError } from "../../src/simulator/schema/schema-error.js";
import { SchemaRegistry } from "../../src/simulator/schema/schema-registry.js";
import { systemFields } from "../../src/simulator/schema/system-fields.js";

function family(): SchemaRegistry {
  const schema = new SchemaRegistry();
  schema.addTable({ name: "base", label: "Base", fields: [...systemFields()] });
  schema.addTable({
    name: "item",
    label: "Item",
    superClass: "base",
    fields: [{ element: "name", type: "string", label: "Name", display: true }],
  });
  schema.addTable({
    name: "service",
    label: "Service",
    superClass: "item",
    fields: [{ element: "number", type: "string", label: "Number", display: true }],
  });
  schema.addTable({ name: "gadget", label: "Gadget", superClass: "item", fields: [] });
  schema.addTable({ name: "business", label: "Business", superClass: "service", fields: [] });
  schema.addTable({ name: "plain", label: "Plain", fields: [{ element: "code", type: "string", label: "Code" }] });
  return schema;
}

describe("SchemaRegistry", () => {
  it("makes a parent's columns visible on every descendant, inherited ones first", () => {
    const schema = family();
    expect(schema.field("business", "name")?.label).toBe("Name");
    expect(schema.field("business", "sys_id")?.type).toBe("GUID");
    expect(schema.field("item", "number")).toBeUndefined();
    const elements = schema.fields("business").map((f) => f.element);
    expect(elements[0]).toBe("sys_id");
    expect(elements.indexOf("name")).toBeLessThan(elements.indexOf("number"));
    expect(elements).toHaveLength(9);
  });

  it("walks the hierarchy both ways", () => {
    const schema = family();
    expect(schema.ancestors("business")).toEqual(["business", "service", "item", "base"]);
    expect(schema.ancestors("base")).toEqual(["base"]);
    expect(schema.descendants("item")).toEqual(["item", "service", "business", "gadget"]);
    expect(schema.descendants("business")).toEqual(["business"]);
    expect(schema.descendants("missing")).toEqual([]);
    expect(schema.ancestors("missing")).toEqual([]);
  });

  it("uses the nearest display column, falling back to sys_id", () => {
    const schema = family();
    expect(schema.displayField("business")).toBe("number");
    expect(schema.displayField("gadget")).toBe("name");
    expect(schema.displayField("base")).toBe("sys_id");
    expect(schema.displayField("plain")).toBe("sys_id");
  });

  it("answers table questions for known and unknown tables", () => {
    const schema = family();
    expect(schema.hasTable("service")).toBe(true);
    expect(schema.hasTable("nope")).toBe(false);
    expect(schema.field("nope", "name")).toBeUndefined();
    expect(schema.fields("nope")).toEqual([]);
    expect(schema.label("service")).toBe("Service");
    expect(schema.label("nope")).toBe("nope");
    expect(schema.tableNames()).toEqual(["base", "item", "service", "gadget", "business", "plain"]);
    expect(schema.definingTable("business", "name")).toBe("item");
    expect(schema.definingTable("business", "sys_id")).toBe("base");
    expect(schema.definingTable("business", "nope")).toBeUndefined();
  });

  it("refuses tables it cannot place", () => {
    const schema = family();
    expect(() => schema.addTable({ name: "orphan", label: "O", superClass: "ghost", fields: [] })).toThrow(SchemaError);
    expect(() => schema.addTable({ name: "item", label: "Again", fields: [] })).toThrow(/already exists/);
    expect(() =>
      schema.addTable({
        name: "clash",
        label: "Clash",
        superClass: "item",
        fields: [{ element: "name", type: "string", label: "Name again" }],
      }),
    ).toThrow(/already exists on item/);
    expect(() => schema.addTable({ name: "Bad Name", label: "B", fields: [] })).toThrow(/Invalid table name/);
  });

  it("adds a column at run time, visible on the table and its descendants only", () => {
    const schema = family();
    // Read once so that a stale cache would show.
    expect(schema.field("business", "u_extra")).toBeUndefined();
    schema.addField("service", { element: "u_extra", type: "decimal", label: "Extra", scale: 2 });
    expect(schema.field("service", "u_extra")?.scale).toBe(2);
    expect(schema.field("business", "u_extra")?.type).toBe("decimal");
    expect(schema.field("item", "u_extra")).toBeUndefined();
    expect(schema.fields("business").at(-1)?.element).toBe("u_extra");
    expect(schema.definingTable("business", "u_extra")).toBe("service");
  });

  it("refuses a column that already exists up or down the hierarchy, or is malformed", () => {
    const schema = family();
    expect(() => schema.addField("service", { element: "name", type: "string", label: "N" })).toThrow(/exists on/);
    expect(() => schema.addField("item", { element: "number", type: "string", label: "N" })).toThrow(
      /exists on service/,
    );
    expect(() => schema.addField("ghost", { element: "x", type: "string", label: "X" })).toThrow(/does not exist/);
    expect(() => schema.addField("plain", { element: "9x", type: "string", label: "X" })).toThrow(/Invalid column/);
    expect(() => schema.addField("plain", { element: "r", type: "reference", label: "R" })).toThrow(/no target/);
    expect(() => schema.addField("plain", { element: "d", type: "decimal", label: "D", scale: -1 })).toThrow(/scale/);
  });

  it("does not let callers change a stored column definition", () => {
    const schema = family();
    const def = { element: "u_choice", type: "choice" as const, label: "C", choices: [{ value: "a", label: "A" }] };
    schema.addField("plain", def);
    def.label = "changed by the caller";
    expect(schema.field("plain", "u_choice")?.label).toBe("C");
    const stored = schema.field("plain", "u_choice");
    expect(() => {
      if (stored) stored.label = "mutated";
    }).toThrow(TypeError);
    expect(() => stored?.choices?.push({ value: "b", label: "B" })).toThrow(TypeError);
  });
});

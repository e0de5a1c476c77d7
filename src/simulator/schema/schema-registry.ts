// The dev instance's table hierarchy and columns: what `sys_db_object` and `sys_dictionary` describe on a real
// instance. Mutable, because an admin can add a column at run time by POSTing a row to `sys_dictionary`.
// A column belongs to the table that defines it and is visible on that table and every table extending it
// (shared/reference/servicenow-api.md §0 fact 21, §6).
import { SchemaError } from "./schema-error.js";
import type { FieldDef, SchemaView, TableDef } from "./types.js";

const NAME = /^[a-z][a-z0-9_]*$/;

interface VisibleColumns {
  list: FieldDef[];
  byElement: Map<string, FieldDef>;
}

export class SchemaRegistry implements SchemaView {
  /** Tables in the order they were added; a parent always comes before its children. */
  readonly #tables = new Map<string, TableDef>();
  readonly #children = new Map<string, string[]>();
  /** Visible columns per table, rebuilt lazily after any change (the query engine asks per row). */
  readonly #visible = new Map<string, VisibleColumns>();
  #generation = 0;

  /** Increments on every change (table or column added), so that what was derived from the schema can be reused. */
  get generation(): number {
    return this.#generation;
  }

  /** Adds a table. Its parent must exist; its columns must not clash with columns visible through the parent. */
  addTable(def: TableDef): void {
    if (!NAME.test(def.name)) throw new SchemaError(`Invalid table name "${def.name}"`);
    if (this.#tables.has(def.name)) throw new SchemaError(`Table ${def.name} already exists`);
    if (def.superClass !== undefined && !this.#tables.has(def.superClass)) {
      throw new SchemaError(`Table ${def.name} extends ${def.superClass}, which does not exist`);
    }
    const seen = new Set<string>();
    for (const field of def.fields) {
      checkFieldDef(def.name, field);
      if (seen.has(field.element)) throw new SchemaError(`Column ${field.element} is defined twice on ${def.name}`);
      seen.add(field.element);
      if (def.superClass !== undefined && this.field(def.superClass, field.element)) {
        throw new SchemaError(`Column ${field.element} already exists on ${def.superClass}, which ${def.name} extends`);
      }
    }
    const stored: TableDef = { name: def.name, label: def.label, fields: def.fields.map(freezeField) };
    if (def.superClass !== undefined) stored.superClass = def.superClass;
    this.#tables.set(def.name, stored);
    this.#children.set(def.name, []);
    if (def.superClass !== undefined) this.#children.get(def.superClass)?.push(def.name);
    this.#visible.clear();
    this.#generation++;
  }

  /**
   * Adds a column to `table` (what POSTing a `sys_dictionary` row does). Like ServiceNow, refuses a column name
   * already visible on the table, or already defined on a table that extends it.
   */
  addField(table: string, field: FieldDef): void {
    const def = this.#tables.get(table);
    if (!def) throw new SchemaError(`Table ${table} does not exist`);
    checkFieldDef(table, field);
    for (const t of this.descendants(table)) {
      if (this.field(t, field.element)) throw new SchemaError(`Column ${field.element} already exists on ${t}`);
    }
    for (const t of this.ancestors(table)) {
      if (this.field(t, field.element)) throw new SchemaError(`Column ${field.element} already exists on ${t}`);
    }
    def.fields.push(freezeField(field));
    this.#visible.clear();
    this.#generation++;
  }

  hasTable(table: string): boolean {
    return this.#tables.has(table);
  }

  /** The table's own definition (columns it defines, not inherited ones), or undefined. */
  table(table: string): TableDef | undefined {
    return this.#tables.get(table);
  }

  /** Every table name, parents before children, in the order they were added. */
  tableNames(): string[] {
    return [...this.#tables.keys()];
  }

  /** The table's label (`sys_db_object.label`), or the name itself for an unknown table. */
  label(table: string): string {
    return this.#tables.get(table)?.label ?? table;
  }

  field(table: string, element: string): FieldDef | undefined {
    return this.#visibleColumns(table)?.byElement.get(element);
  }

  fields(table: string): FieldDef[] {
    return [...(this.#visibleColumns(table)?.list ?? [])];
  }

  /** The table whose `sys_dictionary` row defines the column visible on `table`, or undefined. */
  definingTable(table: string, element: string): string | undefined {
    return this.ancestors(table).find((t) => this.#tables.get(t)?.fields.some((f) => f.element === element));
  }

  /** `table` first, then its descendants depth-first in the order they were added; [] for an unknown table. */
  descendants(table: string): string[] {
    if (!this.#tables.has(table)) return [];
    const out: string[] = [];
    const visit = (t: string): void => {
      out.push(t);
      for (const child of this.#children.get(t) ?? []) visit(child);
    };
    visit(table);
    return out;
  }

  /** `table`, its parent, … up to the root; [] for an unknown table. */
  ancestors(table: string): string[] {
    const out: string[] = [];
    let current = this.#tables.get(table);
    while (current) {
      out.push(current.name);
      current = current.superClass === undefined ? undefined : this.#tables.get(current.superClass);
    }
    return out;
  }

  /** The nearest column marked `display`, the table's own before inherited ones; `sys_id` when none is. */
  displayField(table: string): string {
    for (const t of this.ancestors(table)) {
      const own = this.#tables.get(t)?.fields.find((f) => f.display === true);
      if (own) return own.element;
    }
    return "sys_id";
  }

  #visibleColumns(table: string): VisibleColumns | undefined {
    const cached = this.#visible.get(table);
    if (cached) return cached;
    if (!this.#tables.has(table)) return undefined;
    const list: FieldDef[] = [];
    // Root first, so inherited columns come before the table's own (SchemaView.fields contract).
    for (const t of this.ancestors(table).reverse()) list.push(...(this.#tables.get(t)?.fields ?? []));
    const visible = { list, byElement: new Map(list.map((f) => [f.element, f])) };
    this.#visible.set(table, visible);
    return visible;
  }
}

function checkFieldDef(table: string, field: FieldDef): void {
  if (!NAME.test(field.element)) throw new SchemaError(`Invalid column name "${field.element}" on ${table}`);
  if (field.type === "reference" && !field.reference) {
    throw new SchemaError(`Reference column ${table}.${field.element} names no target table`);
  }
  if (field.scale !== undefined && (!Number.isInteger(field.scale) || field.scale < 0)) {
    throw new SchemaError(`Column ${table}.${field.element} has an invalid scale ${field.scale}`);
  }
}

/** A frozen copy, so that callers holding a FieldDef from `field()` cannot change the schema behind its back. */
function freezeField(field: FieldDef): FieldDef {
  const copy: FieldDef = { ...field };
  if (field.choices) {
    const choices = field.choices.map((c) => Object.freeze({ ...c }));
    Object.freeze(choices);
    copy.choices = choices;
  }
  return Object.freeze(copy);
}

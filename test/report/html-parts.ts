// Reading the report's HTML as a person copying figures would: a key figure by its id, a table's rows as cells
// (text and the unrounded `<data value>`). Plain string work: the report is generated, its markup regular.

export interface ParsedCell {
  text: string;
  value: number | null;
}

const decode = (s: string): string =>
  s
    .replace(/<[^>]+>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");

/** `<data id="…" value="…">text</data>`: the value and the text shown. */
export function keyFigure(html: string, id: string): ParsedCell {
  const m = new RegExp(`<data id="${id}" value="([^"]*)">([^<]*)</data>`).exec(html);
  if (!m) throw new Error(`no key figure #${id} in the report`);
  return { value: Number(m[1]), text: decode(m[2] ?? "") };
}

/** Rows of a table's section (tbody or tfoot), each a list of cells. */
export function tableRows(html: string, id: string, part: "tbody" | "tfoot" = "tbody"): ParsedCell[][] {
  const table = new RegExp(`<table id="${id}">([\\s\\S]*?)</table>`).exec(html)?.[1];
  if (table === undefined) throw new Error(`no table #${id} in the report`);
  const body = new RegExp(`<${part}>([\\s\\S]*?)</${part}>`).exec(table)?.[1] ?? "";
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...(row[1] ?? "").matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => {
      const inner = cell[1] ?? "";
      const value = /<data value="([^"]*)">/.exec(inner)?.[1];
      return { text: decode(inner), value: value === undefined ? null : Number(value) };
    }),
  );
}

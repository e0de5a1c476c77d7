// The `Link` pagination header of a Table API list response (shared/reference/servicenow-api.md §0 fact 6, §1.3):
// absolute URLs, entries joined by "," with no space, `;rel="x"` with no space, the request's own parameters
// echoed with `sysparm_offset` and `sysparm_limit` appended; last = floor((total-1)/limit)*limit.

export interface LinkHeaderInput {
  /** Absolute URL of the list endpoint without query string, e.g. `http://127.0.0.1:3000/api/now/table/cmdb_ci_service`. */
  baseUrl: string;
  /** The request's parameters other than sysparm_offset and sysparm_limit, in the order received. */
  params: ReadonlyArray<readonly [string, string]>;
  offset: number;
  limit: number;
  /** Rows matching the query, before ACL filtering; undefined when the client asked for `sysparm_no_count=true`. */
  total: number | undefined;
  /** Rows the page held before ACL filtering (decides `next` when the total is unknown). */
  pageRows: number;
  /** A 2026 PDI sends rel="prev" on the first page (offset 0 - limit); a 2019 capture omits it. */
  prevOnFirstPage: boolean;
}

function href(input: LinkHeaderInput, offset: number): string {
  const search = new URLSearchParams();
  for (const [k, v] of input.params) search.append(k, v);
  search.append("sysparm_offset", String(offset));
  search.append("sysparm_limit", String(input.limit));
  return `${input.baseUrl}?${search.toString()}`;
}

/** Returns the header value, or undefined when the header is omitted (a single page, or nothing matched). */
export function linkHeader(input: LinkHeaderInput): string | undefined {
  const { offset, limit, total } = input;
  if (limit <= 0) return undefined;
  if (total !== undefined && (total === 0 || (offset === 0 && total <= limit))) return undefined;
  const parts: string[] = [`<${href(input, 0)}>;rel="first"`];
  // prev = offset - limit, not clamped: the 2026 capture (limit 1, first page) shows sysparm_offset=-1.
  if (offset > 0 || input.prevOnFirstPage) parts.push(`<${href(input, offset - limit)}>;rel="prev"`);
  const hasNext = total !== undefined ? offset + limit < total : input.pageRows >= limit;
  if (hasNext) parts.push(`<${href(input, offset + limit)}>;rel="next"`);
  if (total !== undefined) parts.push(`<${href(input, Math.floor((total - 1) / limit) * limit)}>;rel="last"`);
  return parts.join(",");
}

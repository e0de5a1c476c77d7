// Every response body is read as text and validated here (DESIGN.md §4 invariant 3; A-Synthesis rule 5). The Table
// API envelopes (servicenow-api.md §0 fact 1, §1.7): `{"result":[...]}`, `{"result":{...}}`, and
// `{"error":{"message","detail"},"status":"failure"}`. A 200 may carry a trailing `error` after a cut-short `result`
// (§1.8): that page is a failure, never data.
import { z } from "zod";
import { AttemptFailure } from "../http/attempt-failure.js";
import type { BodyProblem } from "../http/attempt-outcome.js";
import { type HttpHeaders, headerValue } from "../http/http-headers.js";
import { ConnectorError } from "../lib/connector-error.js";

export const ListEnvelope = z.object({ result: z.array(z.unknown()) });
export type ListEnvelope = z.infer<typeof ListEnvelope>;

export const RecordEnvelope = z.object({ result: z.record(z.string(), z.unknown()) });
export type RecordEnvelope = z.infer<typeof RecordEnvelope>;

export const ErrorEnvelope = z.object({
  error: z.object({ message: z.string().nullish(), detail: z.string().nullish() }),
  status: z.string().optional(),
});
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;

/** The OAuth endpoint's own error shape (§4): `{"error_description":"access_denied","error":"server_error"}`. */
const OAuthErrorBody = z.object({ error: z.string(), error_description: z.string().optional() });

/** A Table API envelope is 3-4 levels deep; anything past this is refused before JSON.parse builds it. */
export const MAX_JSON_DEPTH = 64;

export interface ResponseBody {
  status: number;
  headers: HttpHeaders;
  bodyText: string;
}

/**
 * True when the JSON text nests arrays/objects deeper than `maxDepth` (strings are skipped; O(n), no allocation).
 * Strings are jumped over with indexOf, which scans natively: most of a page's text is inside strings, and a
 * character-by-character loop over them cost 2.3 s of the main thread on a 2.2-million-row first load.
 */
export function jsonDepthExceeds(text: string, maxDepth: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22) {
      i = closingQuote(text, i);
      if (i < 0) return false; // unterminated string: JSON.parse refuses the text anyway
    } else if (code === 0x7b || code === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (code === 0x7d || code === 0x5d) depth--;
  }
  return false;
}

/** The index of the quote that closes the string opened at `open`, or -1 if none does. */
function closingQuote(text: string, open: number): number {
  let at = text.indexOf('"', open + 1);
  while (at > 0) {
    // A quote preceded by an odd number of backslashes is escaped: the string goes on.
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return at;
    at = text.indexOf('"', at + 1);
  }
  return -1;
}

/** One line, at most `max` characters: instance text goes into operator messages. */
export function oneLine(text: string, max = 300): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is stripped
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** "message (detail)" from an error envelope or an OAuth error body; undefined when the body is neither. */
export function instanceErrorText(bodyText: string): string | undefined {
  if (bodyText.trim() === "" || jsonDepthExceeds(bodyText)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return undefined;
  }
  const envelope = ErrorEnvelope.safeParse(parsed);
  if (envelope.success) {
    const { message, detail } = envelope.data.error;
    const text = [message, detail].filter((part) => part && part.trim() !== "").join(" — ");
    return text === "" ? undefined : oneLine(text);
  }
  const oauth = OAuthErrorBody.safeParse(parsed);
  if (oauth.success) return oneLine([oauth.data.error, oauth.data.error_description].filter(Boolean).join(": "));
  return undefined;
}

function bodyFailure(problem: BodyProblem, response: ResponseBody, description: string, what: string): AttemptFailure {
  return new AttemptFailure(
    { type: "body", problem, status: response.status, headers: response.headers },
    `${description}: HTTP ${response.status} but ${what}`,
    description,
  );
}

/**
 * Parses a 2xx body as JSON, refusing what cannot be data: an HTML page, an empty body, nesting past
 * MAX_JSON_DEPTH, invalid or cut-short JSON, and a top-level `error` (the truncated 200 of §1.8).
 */
export function parseJsonBody(response: ResponseBody, description: string): unknown {
  const text = response.bodyText;
  const contentType = headerValue(response.headers, "content-type") ?? "";
  if (/html/i.test(contentType) || /^\s*</.test(text)) {
    throw bodyFailure(
      "html",
      response,
      description,
      "the instance answered with an HTML page: hibernating instance or SSO gateway? Open the instance URL in a " +
        "browser to check.",
    );
  }
  if (text.trim() === "") throw bodyFailure("empty", response, description, "the body is empty");
  if (jsonDepthExceeds(text)) {
    throw bodyFailure("too_deep", response, description, `the JSON nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw bodyFailure(
      "invalid_json",
      response,
      description,
      `the body is not valid JSON (cut short at ${text.length} bytes?)`,
    );
  }
  if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) && "error" in parsed) {
    const said = instanceErrorText(text) ?? "no message";
    throw bodyFailure(
      "truncated",
      response,
      description,
      `the instance cancelled the response part-way ("${said}"); a smaller page size avoids the 60 s quota`,
    );
  }
  return parsed;
}

/** parseJsonBody, then the shape. A wrong shape is a `data` error: the same request would get the same body. */
export function parseEnvelope<T>(schema: z.ZodType<T>, response: ResponseBody, description: string): T {
  const parsed = parseJsonBody(response, description);
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const keys =
      typeof parsed === "object" && parsed !== null ? Object.keys(parsed).slice(0, 5).join(", ") : typeof parsed;
    throw new ConnectorError(
      "data",
      `${description}: unexpected response shape (top level: ${keys || "empty"}): ${oneLine(z.prettifyError(result.error), 200)}`,
      { status: response.status, request: description },
    );
  }
  return result.data;
}

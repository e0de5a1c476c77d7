// Error bodies of the Table API, byte-for-byte as a real instance sends them.
// Source: shared/reference/servicenow-api.md §0 facts 8-9 and §1.7 (captured from real instances where marked [REAL]).

export interface ErrorEnvelope {
  error: { message: string; detail: string | null };
  status: "failure";
}

function envelope(message: string, detail: string | null): ErrorEnvelope {
  return { error: { message, detail }, status: "failure" };
}

export const notAuthenticated = (): ErrorEnvelope =>
  envelope("User Not Authenticated", "Required to provide Auth information");

export const noRecordFound = (): ErrorEnvelope =>
  envelope("No Record found", "Record doesn't exist or ACL restricts the record retrieval");

export const invalidResource = (): ErrorEnvelope => envelope("Requested URI does not represent any resource", null);

export const invalidTable = (table: string): ErrorEnvelope =>
  envelope(`Invalid table ${table}`, `Table ${table} does not exist`);

export const updateDenied = (): ErrorEnvelope =>
  envelope("Operation Failed", "ACL Exception Update Failed due to security constraints");

export const insertDenied = (): ErrorEnvelope =>
  envelope("Operation Failed", "ACL Exception Insert Failed due to security constraints");

export const deleteDenied = (): ErrorEnvelope =>
  envelope("Operation Failed", "ACL Exception Delete Failed due to security constraints");

export const queryDenied = (): ErrorEnvelope =>
  envelope("Insufficient rights to query records", "Field(s) present in the query do not have permission to be read");

// Not captured in the reference; this is the message a Table API call with a malformed JSON body gets on current
// releases as reported by integrators. Marked as an assumption in docs/dev-instance.md.
export const invalidJsonBody = (): ErrorEnvelope =>
  envelope("Exception while reading request", "The payload is not valid JSON.");

// §1.1: "POST, PUT, PATCH, and DELETE operations require you to provide both headers ... Failing to provide the
// required headers results in a 400 Bad Request error." The exact text is not documented (assumption).
export const unsupportedContentType = (): ErrorEnvelope =>
  envelope("Invalid request", "Content-Type must be application/json for this operation");

export const methodNotAllowed = (): ErrorEnvelope =>
  envelope("Method not Supported", "Requested method is not supported");

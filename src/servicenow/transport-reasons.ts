// What each transport code means to an operator, for the AttemptFailure message. The codes themselves are the retry
// policy's vocabulary (src/http/retry-policy.ts); this only words them.

const UNTRUSTED_CERTIFICATE =
  "the instance's TLS certificate is not trusted, so nothing was sent. Check the instance URL; if the instance " +
  "uses a private certificate authority, give its certificate to Node with NODE_EXTRA_CA_CERTS=/path/to/ca.pem " +
  "(verification itself cannot be turned off)";

const REASONS: ReadonlyMap<string, string> = new Map([
  ["ECONNREFUSED", "connection refused"],
  ["ECONNRESET", "connection reset"],
  ["EPIPE", "connection broken"],
  ["ETIMEDOUT", "no answer within the timeout"],
  ["ECONNABORTED", "no answer within the timeout"],
  ["EAI_AGAIN", "DNS lookup failed temporarily"],
  ["ENOTFOUND", "host not found (check the instance URL)"],
  ["ERR_CANCELED", "aborted"],
  ["EMAXCONTENT", "response larger than the configured maximum (lower the page size or the field list)"],
  ["ERR_BAD_RESPONSE", "response stream aborted"],
  ["EPROXY", "the proxy (HTTPS_PROXY) refused the tunnel; check the proxy URL and its credentials, or NO_PROXY"],
  ...[
    "DEPTH_ZERO_SELF_SIGNED_CERT",
    "SELF_SIGNED_CERT_IN_CHAIN",
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "UNABLE_TO_GET_ISSUER_CERT",
    "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
    "CERT_UNTRUSTED",
    "CERT_HAS_EXPIRED",
    "CERT_NOT_YET_VALID",
    "ERR_TLS_CERT_ALTNAME_INVALID",
  ].map((code): [string, string] => [code, UNTRUSTED_CERTIFICATE]),
]);

/** The operator's wording of a transport code ("transport error" for codes we have no words for). */
export function transportReason(code: string): string {
  return REASONS.get(code) ?? "transport error";
}

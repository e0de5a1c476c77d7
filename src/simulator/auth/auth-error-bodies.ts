// Byte-exact error bodies of authentication failures (reference/servicenow-api.md §0 facts 8 and 15, §1.7, §4).
// Key order matters: the server serializes these with JSON.stringify, which keeps insertion order.

/** 401 on /api/now/* for missing, wrong, expired or unknown credentials. */
export const NOT_AUTHENTICATED_BODY = Object.freeze({
  error: Object.freeze({ message: "User Not Authenticated", detail: "Required to provide Auth information" }),
  status: "failure",
} as const);
export type NotAuthenticatedBody = typeof NOT_AUTHENTICATED_BODY;

/** 401 from /oauth_token.do for a bad client secret, bad user credentials, unknown/expired refresh token, or a disabled grant. */
export const OAUTH_ACCESS_DENIED_BODY = Object.freeze({
  error_description: "access_denied",
  error: "server_error",
} as const);

/**
 * 401 from /oauth_token.do for client_credentials when the grant is enabled but the OAuth entity has no
 * "OAuth Application User" (reference §4: `unauthorized_client` "integration user is not configured",
 * refractionPOINT/documentation PR #283). Same key order as the access_denied body.
 */
export const OAUTH_UNAUTHORIZED_CLIENT_BODY = Object.freeze({
  error_description: "integration user is not configured",
  error: "unauthorized_client",
} as const);

export type OAuthErrorBody = typeof OAUTH_ACCESS_DENIED_BODY | typeof OAUTH_UNAUTHORIZED_CLIENT_BODY;

// Sandbox scripts that obtain and store the OAuth2 access token. Postman runs them as JavaScript
// (`pm` API); each script is self-contained because Postman gives every script its own scope.

/** Collection variable holding the bearer token every request sends. */
export const ACCESS_TOKEN = "access_token";
/** Collection variable holding the token's expiry, epoch milliseconds. */
export const ACCESS_TOKEN_EXPIRES_AT = "access_token_expires_at";

/** The token endpoint path, relative to `{{BASE}}`. */
export const TOKEN_PATH = "/oauth2/token";

// Gloo's docs treat a token as expired 60 s before `expires_in` runs out (tutorials/authentication).
const REFRESH_MARGIN_MS = 60_000;

/**
 * Lines defining `storeToken(body)`: saves the token and its expiry in collection variables, and in
 * the active environment too when it defines them, since an environment value (even an empty one)
 * shadows a collection variable of the same name.
 */
function storeTokenFunction(): string[] {
  return [
    "function storeToken(body) {",
    "  const expiresIn = Number(body.expires_in) > 0 ? Number(body.expires_in) : 3600;",
    "  const values = {",
    `    ${ACCESS_TOKEN}: body.access_token,`,
    `    ${ACCESS_TOKEN_EXPIRES_AT}: String(Date.now() + expiresIn * 1000),`,
    "  };",
    "  Object.keys(values).forEach((key) => {",
    "    pm.collectionVariables.set(key, values[key]);",
    "    if (pm.environment.has(key)) pm.environment.set(key, values[key]);",
    "  });",
    "}",
  ];
}

/** Lines defining `tokenFailure(code, status, body)`: a one-line reason such as "token request returned 400 invalid_client". */
function tokenFailureFunction(): string[] {
  return [
    "function tokenFailure(code, status, body) {",
    "  const error = body && body.error ? String(body.error) : status;",
    "  const detail = body && body.error_description ? ' (' + body.error_description + ')' : '';",
    "  return 'token request returned ' + code + ' ' + error + detail;",
    "}",
  ];
}

/**
 * The collection-level pre-request script: fetches a token with `pm.sendRequest` when none is
 * stored or it is about to expire, so any request can run alone. newman cannot run Postman's
 * collection-level OAuth 2.0 helper (postmanlabs/newman#2996), hence a script.
 */
export function tokenPreRequestScript(): string[] {
  return [
    "// Gets an access token before any request that needs one (newman cannot run Postman's OAuth 2.0 helper).",
    `const marginMs = ${REFRESH_MARGIN_MS}; // refresh a minute early, as Gloo's docs advise`,
    `const isTokenRequest = pm.request.url.getPath().endsWith('${TOKEN_PATH}');`,
    `const token = pm.variables.get('${ACCESS_TOKEN}');`,
    `const expiresAt = Number(pm.variables.get('${ACCESS_TOKEN_EXPIRES_AT}') || 0);`,
    "const hasCredentials = Boolean(pm.variables.get('CLIENT_ID')) && Boolean(pm.variables.get('CLIENT_SECRET'));",
    "// A token pasted without credentials is used as it is; with credentials it is renewed before expiry.",
    "const needsToken = !token || (hasCredentials && Date.now() >= expiresAt - marginMs);",
    "",
    "if (!isTokenRequest && needsToken) {",
    "  if (hasCredentials) requestToken();",
    "  else fail('no access token: set CLIENT_ID and CLIENT_SECRET in the environment');",
    "}",
    "",
    "function requestToken() {",
    "  const id = pm.variables.get('CLIENT_ID');",
    "  const secret = pm.variables.get('CLIENT_SECRET');",
    "  // required, not the CryptoJS global, which Postman has deprecated (and prints a notice for)",
    "  const CryptoJS = require('crypto-js');",
    "  const basic = CryptoJS.enc.Base64.stringify(CryptoJS.enc.Utf8.parse(id + ':' + secret));",
    "  pm.sendRequest({",
    `    url: pm.variables.get('BASE') + '${TOKEN_PATH}',`,
    "    method: 'POST',",
    "    header: [",
    "      { key: 'Authorization', value: 'Basic ' + basic },",
    "      { key: 'Content-Type', value: 'application/x-www-form-urlencoded' },",
    "    ],",
    "    body: {",
    "      mode: 'urlencoded',",
    "      urlencoded: [",
    "        { key: 'grant_type', value: 'client_credentials' },",
    "        { key: 'scope', value: 'api/access' },",
    "      ],",
    "    },",
    "  }, (error, response) => {",
    "    if (error) return fail('token request failed: ' + error.message);",
    "    let body;",
    "    try { body = response.json(); } catch (parseError) { body = undefined; }",
    "    if (response.code !== 200 || !body || !body.access_token) {",
    "      return fail(tokenFailure(response.code, response.status, body));",
    "    }",
    "    storeToken(body);",
    "  });",
    "}",
    "",
    "// A failed token fetch becomes one readable assertion, and the request is not sent without a token.",
    "function fail(reason) {",
    "  pm.test('access token is available', () => pm.expect.fail(reason));",
    "  pm.execution.skipRequest();",
    "}",
    "",
    ...tokenFailureFunction(),
    "",
    ...storeTokenFunction(),
  ];
}

/** The test script of a token request: checks the answer and stores the token and its expiry. */
export function tokenTestScript(): string[] {
  return [
    "let body;",
    "try { body = pm.response.json(); } catch (parseError) { body = undefined; }",
    "",
    "pm.test('token request succeeded', () => {",
    "  pm.expect(pm.response.code, tokenFailure(pm.response.code, pm.response.status, body)).to.equal(200);",
    "});",
    "// The checks below only make sense on success; on a failure the test above names the problem.",
    "if (pm.response.code === 200) {",
    "  pm.test('response has an access_token', () => {",
    "    pm.expect(body && body.access_token, 'no access_token in the response').to.be.a('string').that.is.not.empty;",
    "  });",
    "  pm.test('token_type is Bearer', () => {",
    "    pm.expect(String(body && body.token_type).toLowerCase()).to.equal('bearer');",
    "  });",
    "  pm.test('expires_in is a positive number of seconds', () => {",
    "    pm.expect(body && body.expires_in).to.be.a('number').that.is.above(0);",
    "  });",
    "  // As the quickstart's Tests snippet does, keep the token for the requests that follow.",
    "  if (body && body.access_token) storeToken(body);",
    "}",
    "",
    ...tokenFailureFunction(),
    "",
    ...storeTokenFunction(),
  ];
}

// The subset of Postman's Collection Format v2.1.0 (and of its environment export format) that the
// generator writes. Field names follow the schema in postmanlabs/schemas
// (schemas/draft-07/v2.1.0/collection.json); `test/fixtures/postman-collection-v2.1.schema.json`
// checks the output against the full schema.

/** A `key`/`value` pair, as used by headers, query parameters, form bodies and auth settings. */
export interface KeyValue {
  key: string;
  value: string;
  /** Shown next to the value in Postman. */
  description?: string;
}

/** A variable defined at collection level (`collection.variable`). */
export interface Variable {
  key: string;
  value: string;
  type: "string";
  description?: string;
}

/** A structured URL: Postman shows `raw` and rebuilds it from `host`, `path` and `query`. */
export interface Url {
  raw: string;
  host: string[];
  path: string[];
  query?: KeyValue[];
}

/** Request-level authentication: HTTP Basic or a bearer token. */
export type Auth =
  | { type: "basic"; basic: Array<{ key: "username" | "password"; value: string; type: "string" }> }
  | { type: "bearer"; bearer: Array<{ key: "token"; value: string; type: "string" }> };

/** A request body: raw JSON text or an `x-www-form-urlencoded` form. */
export type Body =
  | { mode: "raw"; raw: string; options: { raw: { language: "json" } } }
  | { mode: "urlencoded"; urlencoded: KeyValue[] };

/** A request (method, URL, headers, auth, body) and what it is for. */
export interface Request {
  method: "GET" | "POST";
  url: Url;
  header: KeyValue[];
  auth?: Auth;
  body?: Body;
  description: string;
}

/** A script run before a request (`prerequest`) or after its response (`test`). */
export interface Event {
  listen: "prerequest" | "test";
  script: { type: "text/javascript"; exec: string[] };
}

/** One runnable request with its test script. */
export interface Item {
  name: string;
  request: Request;
  event: Event[];
}

/** A folder of requests. */
export interface Folder {
  name: string;
  description: string;
  item: Item[];
}

/** A whole collection file. */
export interface Collection {
  info: {
    _postman_id: string;
    name: string;
    version: string;
    description: string;
    schema: "https://schema.getpostman.com/json/collection/v2.1.0/collection.json";
  };
  item: Folder[];
  event: Event[];
  variable: Variable[];
}

/** One variable of an environment file; `secret` values are masked in Postman's UI. */
export interface EnvironmentValue {
  key: string;
  value: string;
  type: "default" | "secret";
  enabled: true;
}

/** A Postman environment export (`*.postman_environment.json`). */
export interface Environment {
  id: string;
  name: string;
  values: EnvironmentValue[];
  _postman_variable_scope: "environment";
}

/** What varies between generated files: the platform's address and the model requests use. */
export interface PostmanOptions {
  /** Base URL written as the `BASE` variable, without a trailing slash. */
  base: string;
  /** Model id written as the `MODEL` variable. */
  model: string;
}

// Builds `Gloo_AI_Environment_EN.postman_environment.json`: the variables the collection reads, with
// the credentials left empty so the committed file never holds a secret.
import { ACCESS_TOKEN } from "./token-scripts.js";
import type { Environment, EnvironmentValue, PostmanOptions } from "./types.js";

// Fixed so that re-importing a regenerated file replaces the environment in Postman instead of adding a copy.
const ENVIRONMENT_ID = "0e6c2f7d-3b8a-4f5e-9c1d-2a7b4e8f6d30";

function value(key: string, text: string, type: EnvironmentValue["type"] = "default"): EnvironmentValue {
  return { key, value: text, type, enabled: true };
}

/**
 * Builds the Postman environment: `BASE` and `MODEL` filled in, `CLIENT_ID`, `CLIENT_SECRET` and
 * `access_token` empty (the secret and the token typed `secret`, so Postman masks them once filled).
 *
 * @example
 * const environment = buildEnvironment({ base: "http://127.0.0.1:8788", model: "us.meta.llama3-3-70b-instruct-v1:0" });
 */
export function buildEnvironment(options: PostmanOptions): Environment {
  return {
    id: ENVIRONMENT_ID,
    name: "Gloo AI",
    values: [
      value("BASE", options.base),
      value("CLIENT_ID", ""),
      value("CLIENT_SECRET", "", "secret"),
      value("MODEL", options.model),
      value(ACCESS_TOKEN, "", "secret"),
    ],
    _postman_variable_scope: "environment",
  };
}

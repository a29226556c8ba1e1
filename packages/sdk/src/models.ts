// The public model catalogue (docs.gloo.com/api-reference/general/overview): `GET /platform/v2/models`, no token needed.
import { type APIPromise, apiPromise } from "./api-promise.js";
import { GlooError } from "./errors.js";
import { requestJSON, type Transport } from "./request.js";
import type { ModelList, RequestOptions, WithRequestId } from "./types.js";

/**
 * The model families of v2's `model_family` routing, spelt as the docs spell them in requests;
 * the platform matches them case-insensitively (docs.gloo.com/api-reference/completions/v2).
 */
export const MODEL_FAMILIES = ["openai", "anthropic", "google", "open source"] as const;

/** `gloo.models`: the model catalogue. */
export class Models {
  readonly #transport: Transport;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * Lists the models the platform offers; works without credentials.
   * @example const { data } = await gloo.models.list(); console.log(data.map((model) => model.id));
   */
  list(options: RequestOptions = {}): APIPromise<WithRequestId<ModelList>> {
    let answered: Response | undefined;
    const request = { method: "GET", path: "/platform/v2/models", auth: false } as const;
    const checked = requestJSON<ModelList>(this.#transport, request, options)
      .withResponse()
      .then(({ data, response }) => {
        answered = response;
        if (!Array.isArray(data.data)) {
          throw new GlooError(
            `GET /platform/v2/models answered without a data array; is baseURL (${this.#transport.baseURL}) the platform?`,
          );
        }
        return data;
      });
    return apiPromise(checked, () => answered as Response);
  }
}

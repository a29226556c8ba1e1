// One pane: its own routing and parameters, its own history, and its exchanges streamed through
// the SDK (served from this machine), with every request and raw SSE frame kept for Inspect.

import { estimateCost, formatCost, priceLabel } from "./cost.js";
import { field, h, select } from "./dom.js";
import { renderMarkdown } from "./markdown.js";
import { curlCommand, typeScriptSnippet } from "./snippets.js";
import { Gloo, MODEL_FAMILIES } from "./vendor/sdk/index.js";

/** @type {[string, string][]} */
const TRADITIONS = [
  ["", "general"],
  ["evangelical", "evangelical"],
  ["catholic", "catholic"],
  ["mainline", "mainline"],
  ["not_faith_specific", "not faith specific"],
];
/** @type {[string, string][]} */
const ROUTINGS = [
  ["auto_routing", "auto routing"],
  ["model_family", "model family"],
  ["model", "model"],
];

/**
 * The model choices: the catalogue (V2-callable models), and the configured default model
 * first when the catalogue does not list it (a V1-only id such as the quickstart's Llama).
 * @param {PlaygroundApp} app
 * @returns {[string, string][]}
 */
function modelChoices(app) {
  /** @type {[string, string][]} */
  const choices = app.catalogue.map((model) => [
    model.id,
    `${model.id} (${model.family ?? "?"}, ${priceLabel(model)})`,
  ]);
  if (!app.catalogue.some((model) => model.id === app.info.model)) {
    choices.unshift([app.info.model, `${app.info.model} (default model; not in the V2 catalogue: V1 only)`]);
  }
  return choices;
}

/**
 * Pane `number` of the page; `remove` takes it off the page.
 * @param {PlaygroundApp} app
 * @param {number} number
 * @param {() => void} remove
 */
export function createPane(app, number, remove) {
  const controls = {
    api: select({ "data-setting": "api" }, [
      ["v2", "v2"],
      ["v1", "v1"],
    ]),
    routing: select({ "data-setting": "routing" }, ROUTINGS),
    family: select(
      { "data-setting": "family" },
      MODEL_FAMILIES.map((family) => /** @type {[string, string]} */ ([family, family])),
    ),
    model: select({ "data-setting": "model" }, modelChoices(app)),
    tradition: select({ "data-setting": "tradition" }, TRADITIONS),
    temperature: h("input", {
      "data-setting": "temperature",
      type: "number",
      min: 0,
      max: 2,
      step: 0.1,
      placeholder: "default",
    }),
    maxTokens: h("input", { "data-setting": "max_tokens", type: "number", min: 1, placeholder: "default" }),
    fault: h("input", { "data-setting": "fault", placeholder: "none (e.g. error-after=2)" }),
  };
  controls.model.value = app.info.model;
  /** @type {Message[]} */
  const messages = [];
  /** @type {Exchange[]} */
  const exchanges = [];
  const transcript = h("div", { class: "transcript", "data-role": "transcript" });
  const element = h(
    "article",
    { class: "pane", "data-pane": number },
    h(
      "header",
      {},
      h("strong", {}, `Pane ${number}`),
      number > 1 ? h("button", { type: "button", class: "link", onclick: remove }, "remove") : undefined,
    ),
    h(
      "div",
      { class: "settings" },
      field("API", controls.api),
      field("Routing", controls.routing),
      field("Family", controls.family),
      field("Model", controls.model),
      field("Tradition", controls.tradition),
      field("Temperature", controls.temperature),
      field("Max tokens", controls.maxTokens),
      field("Emulator fault", controls.fault),
    ),
    transcript,
  );
  const sync = () => {
    const v2 = controls.api.value === "v2";
    const routing = v2 ? controls.routing.value : "model";
    controls.routing.disabled = !v2;
    controls.tradition.disabled = !v2;
    controls.family.disabled = routing !== "model_family";
    controls.model.disabled = routing !== "model";
  };
  controls.api.addEventListener("change", sync);
  controls.routing.addEventListener("change", sync);
  sync();

  /**
   * The request body for the pane's history, as the SDK will send it.
   * @returns {RequestBody}
   */
  function params() {
    const v2 = controls.api.value === "v2";
    const routing = v2 ? controls.routing.value : "model";
    /** @type {Record<string, unknown>} */
    const body = {};
    if (routing === "auto_routing") body.auto_routing = true;
    else if (routing === "model_family") body.model_family = controls.family.value;
    else body.model = controls.model.value;
    if (v2 && controls.tradition.value !== "") body.tradition = controls.tradition.value;
    const system = app.systemPrompt();
    body.messages = system === "" ? [...messages] : [{ role: "system", content: system }, ...messages];
    if (controls.temperature.value !== "") body.temperature = Number(controls.temperature.value);
    if (controls.maxTokens.value !== "") body.max_tokens = Number(controls.maxTokens.value);
    body.stream = true;
    body.stream_options = { include_usage: true };
    return /** @type {RequestBody} */ (/** @type {unknown} */ (body));
  }

  /** @param {string} content */
  function addUser(content) {
    messages.push({ role: "user", content });
    transcript.append(h("div", { class: "message user", "data-role": "user" }, content));
  }

  // Regenerate: the last answer leaves the history (and the page), the question stays.
  function dropLastReply() {
    if (messages.at(-1)?.role === "assistant") messages.pop();
    const last = transcript.lastElementChild;
    if (last instanceof HTMLElement && last.dataset.role === "reply") last.remove();
  }

  /** @param {AbortSignal} signal */
  async function run(signal) {
    if (messages.at(-1)?.role !== "user") return;
    /** @type {Exchange} */
    const exchange = {
      api: controls.api.value === "v1" ? "v1" : "v2",
      params: params(),
      fault: controls.fault.value.trim(),
      requestBody: undefined,
      raw: "",
      requestId: undefined,
      text: "",
      status: "streaming",
      error: undefined,
      completion: undefined,
      ttftMs: undefined,
      latencyMs: undefined,
    };
    exchanges.push(exchange);
    const view = exchangeView(app, exchange);
    transcript.append(view.element);
    await stream(exchange, signal, view.update);
    if (exchange.status === "done") messages.push({ role: "assistant", content: exchange.text });
    view.update();
  }

  function clear() {
    messages.length = 0;
    exchanges.length = 0;
    transcript.replaceChildren();
  }

  /** @param {Preset} preset */
  function setParameters({ temperature, maxTokens }) {
    controls.temperature.value = temperature ?? "";
    controls.maxTokens.value = maxTokens ?? "";
  }

  function toJSON() {
    return {
      pane: number,
      messages,
      exchanges: exchanges.map(({ params: _params, ...rest }) => ({
        ...rest,
        request: rest.requestBody === undefined ? undefined : JSON.parse(rest.requestBody),
      })),
    };
  }

  return { element, addUser, dropLastReply, run, clear, setParameters, toJSON };
}

// Streams one exchange through the SDK. The page's client has no credentials: the playground
// server replaces its placeholder token with a real one. Retries are off, so what happened shows.
/**
 * @param {Exchange} exchange
 * @param {AbortSignal} signal
 * @param {() => void} update
 */
async function stream(exchange, signal, update) {
  const started = performance.now();
  /** @type {typeof fetch} */
  const recordingFetch = async (input, init) => {
    exchange.requestBody = typeof init?.body === "string" ? init.body : undefined;
    const response = await fetch(input, init);
    exchange.requestId = response.headers.get("x-request-id") ?? undefined;
    if (response.body === null) return response;
    const decoder = new TextDecoder();
    const tap = new TransformStream({
      transform(chunk, controller) {
        exchange.raw += decoder.decode(chunk, { stream: true });
        controller.enqueue(chunk);
      },
    });
    const { status, statusText, headers } = response;
    return new Response(response.body.pipeThrough(tap), { status, statusText, headers });
  };
  const gloo = new Gloo({
    baseURL: `${location.origin}/api`,
    tokenProvider: async () => "placeholder",
    fetch: recordingFetch,
    maxRetries: 0,
  });
  const options = { signal, headers: exchange.fault === "" ? {} : { "x-emulator-fault": exchange.fault } };
  try {
    const chunks =
      exchange.api === "v2"
        ? await gloo.v2.chat.completions.create(/** @type {V2Body} */ (exchange.params), options)
        : await gloo.chat.completions.create(/** @type {V1Body} */ (exchange.params), options);
    for await (const chunk of chunks) {
      const delta = chunk.choices.find((choice) => choice.index === 0)?.delta?.content;
      if (typeof delta === "string" && delta !== "") {
        exchange.ttftMs ??= performance.now() - started;
        exchange.text += delta;
        update();
      }
    }
    exchange.completion = await chunks.finalCompletion();
    exchange.status = "done";
  } catch (error) {
    exchange.status = signal.aborted ? "stopped" : "error";
    exchange.error = error instanceof Error ? error.message : String(error);
  }
  exchange.latencyMs = performance.now() - started;
}

// The reply, its figures, and the Inspect block with the exact request and every raw frame.
/**
 * @param {PlaygroundApp} app
 * @param {Exchange} exchange
 */
function exchangeView(app, exchange) {
  const content = h("div", { class: "content", "data-role": "content" });
  const meta = h("div", { class: "meta", "data-role": "meta" });
  const problem = h("div", { class: "error", "data-role": "error", hidden: true });
  const request = h("pre", { "data-role": "request" });
  const raw = h("pre", { "data-role": "raw" });
  const requestId = h("code", { "data-role": "request-id" });
  const copied = h("pre", { class: "copied", "data-role": "copied", hidden: true });
  const path = `/ai/${exchange.api}/chat/completions`;
  /** @param {string} text */
  const copy = async (text) => {
    copied.textContent = text;
    copied.hidden = false;
    await navigator.clipboard?.writeText(text).catch(() => {});
  };
  const inspect = h(
    "details",
    { "data-role": "inspect" },
    h("summary", {}, "Inspect"),
    h("div", {}, "x-request-id: ", requestId),
    h("h4", {}, `Request: POST ${app.info.baseURL}${path}`),
    request,
    h("h4", {}, "Response (raw SSE frames)"),
    raw,
    h(
      "div",
      { class: "actions" },
      h(
        "button",
        {
          type: "button",
          "data-action": "copy-curl",
          onclick: () =>
            copy(
              curlCommand({
                baseURL: app.info.baseURL,
                path,
                body: exchange.requestBody ?? "",
                fault: exchange.fault,
              }),
            ),
        },
        "Copy as cURL",
      ),
      h(
        "button",
        {
          type: "button",
          "data-action": "copy-ts",
          onclick: () =>
            copy(
              typeScriptSnippet({ baseURL: app.info.baseURL, api: exchange.api, params: exchange.params }),
            ),
        },
        "Copy as TypeScript",
      ),
    ),
    copied,
  );
  const element = h("div", { class: "message reply", "data-role": "reply" }, content, problem, meta, inspect);
  const update = () => {
    element.dataset.status = exchange.status;
    content.innerHTML = renderMarkdown(exchange.text);
    problem.hidden = exchange.error === undefined;
    problem.textContent = exchange.error === undefined ? "" : `${exchange.status}: ${exchange.error}`;
    meta.textContent = figures(app, exchange);
    request.textContent =
      exchange.requestBody === undefined ? "" : JSON.stringify(JSON.parse(exchange.requestBody), null, 2);
    raw.textContent = exchange.raw;
    requestId.textContent = exchange.requestId ?? "—";
  };
  update();
  return { element, update };
}

// Routed model, routing, time to first token, latency, tokens and the estimated cost.
/**
 * @param {PlaygroundApp} app
 * @param {Exchange} exchange
 */
function figures(app, exchange) {
  if (exchange.status === "streaming") return "streaming…";
  const completion = exchange.completion;
  /** @type {string[]} */
  const parts = [exchange.status];
  if (completion !== undefined) {
    parts.push(completion.model ?? "?");
    if (completion.routing_mechanism !== undefined) {
      parts.push(
        `${completion.routing_mechanism}${completion.routing_tier ? ` / ${completion.routing_tier}` : ""}`,
      );
    }
  }
  if (exchange.ttftMs !== undefined) parts.push(`TTFT ${Math.round(exchange.ttftMs)} ms`);
  if (exchange.latencyMs !== undefined) parts.push(`total ${Math.round(exchange.latencyMs)} ms`);
  if (completion !== undefined) {
    const usage = completion.usage;
    parts.push(
      usage
        ? `${usage.prompt_tokens} prompt + ${usage.completion_tokens} completion tokens`
        : "no token counts",
    );
    const model = app.catalogue.find((entry) => entry.id === completion.model);
    parts.push(formatCost(estimateCost(model, usage)));
  }
  return parts.join(" · ");
}

// The page: what it talks to, the panes (one to chat, up to four to compare), the composer,
// presets, export and the Health button. Everything it loads and calls is on this origin.

import { h } from "./dom.js";
import { createPane } from "./pane.js";
import { deletePreset, loadPresets, savePreset } from "./presets.js";
import { Gloo } from "./vendor/sdk/index.js";

const MAX_PANES = 4;
/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
/** @param {string} id */
const $value = (id) => /** @type {HTMLInputElement} */ ($(id));
/** @param {string} id */
const $button = (id) => /** @type {HTMLButtonElement} */ ($(id));

const info = await (await fetch("/api/info")).json();
// The catalogue needs no token; the SDK fetches it through the playground, which asks the upstream.
const catalogue = await new Gloo({
  baseURL: `${location.origin}/api`,
  tokenProvider: async () => "unused",
  maxRetries: 0,
}).models
  .list()
  .then((list) => list.data)
  .catch((error) => {
    $("upstream").after(h("span", { class: "error" }, ` model catalogue unavailable: ${error.message}`));
    return [];
  });
const app = { info, catalogue, systemPrompt: () => $value("system").value.trim() };
/** @type {{ number: number, pane: ReturnType<typeof createPane> }[]} */
const panes = [];
/** @type {AbortController | undefined} */
let running;

$("upstream").textContent =
  info.upstream === "emulator"
    ? `Embedded emulator at ${info.baseURL} (no credentials set: replies are emulated)`
    : `Gloo platform at ${info.baseURL} (your credentials stay in the gloo process)`;
document.body.dataset.upstream = info.upstream;

function addPane() {
  if (panes.length >= MAX_PANES) return;
  const number = (panes.at(-1)?.number ?? 0) + 1;
  const pane = createPane(app, number, () => {
    panes.splice(panes.indexOf(entry), 1);
    pane.element.remove();
    refresh();
  });
  const entry = { number, pane };
  panes.push(entry);
  $("panes").append(pane.element);
  refresh();
}

function refresh() {
  $button("add-pane").disabled = panes.length >= MAX_PANES || running !== undefined;
  $button("send").disabled = running !== undefined;
  $button("regenerate").disabled = running !== undefined;
  $button("stop").disabled = running === undefined;
  document.body.dataset.busy = String(running !== undefined);
}

// Every pane streams on its own; one failing does not stop the others.
async function runAll() {
  const controller = new AbortController();
  running = controller;
  refresh();
  await Promise.all(panes.map(({ pane }) => pane.run(controller.signal)));
  running = undefined;
  refresh();
}

function send() {
  const text = $value("prompt").value.trim();
  if (text === "" || running !== undefined) return;
  $value("prompt").value = "";
  for (const { pane } of panes) pane.addUser(text);
  return runAll();
}

$("send").addEventListener("click", send);
$("prompt").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) send();
});
$("stop").addEventListener("click", () => running?.abort());
$("regenerate").addEventListener("click", () => {
  if (running !== undefined) return;
  for (const { pane } of panes) pane.dropLastReply();
  return runAll();
});
// A new conversation in the same panes, their settings kept.
$("clear").addEventListener("click", () => {
  if (running !== undefined) return;
  for (const { pane } of panes) pane.clear();
});
$("add-pane").addEventListener("click", addPane);

// Presets: the system prompt and the first pane's parameters, applied to every pane.
function listPresets(selected = "") {
  $("preset-select").replaceChildren(
    h("option", { value: "" }, "—"),
    ...loadPresets().map((preset) =>
      h("option", { value: preset.name, selected: preset.name === selected }, preset.name),
    ),
  );
}
$("preset-save").addEventListener("click", () => {
  const name = $value("preset-name").value.trim();
  if (name === "") return;
  const first = panes[0]?.pane.element;
  /** @param {string} setting */
  const value = (setting) => {
    const input = first?.querySelector(`[data-setting="${setting}"]`);
    return input instanceof HTMLInputElement ? input.value : "";
  };
  savePreset({
    name,
    system: $value("system").value,
    temperature: value("temperature"),
    maxTokens: value("max_tokens"),
  });
  listPresets(name);
});
$("preset-select").addEventListener("change", () => {
  const preset = loadPresets().find((candidate) => candidate.name === $value("preset-select").value);
  if (preset === undefined) return;
  $value("system").value = preset.system ?? "";
  $value("preset-name").value = preset.name;
  for (const { pane } of panes) pane.setParameters(preset);
});
$("preset-delete").addEventListener("click", () => {
  deletePreset($value("preset-select").value);
  listPresets();
});

// The conversation, each pane's requests and raw responses, as a JSON file.
$("export-button").addEventListener("click", () => {
  const data = {
    exportedAt: new Date().toISOString(),
    upstream: info,
    system: app.systemPrompt(),
    panes: panes.map(({ pane }) => pane.toJSON()),
  };
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }));
  h("a", { href: url, download: `gloo-playground-${data.exportedAt.slice(0, 19)}.json` }).click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
});

// The quickstart's checks, run by the playground with its credentials: `gloo health`'s verdicts.
$("health-button").addEventListener("click", async () => {
  const section = $("health");
  section.hidden = false;
  section.dataset.state = "running";
  section.replaceChildren(h("p", {}, `Running the quickstart's checks on ${info.model}…`));
  try {
    const response = await fetch("/api/health", { method: "POST" });
    /** @type {HealthReport} */
    const report = await response.json();
    if (!response.ok) throw new Error(report.error?.message ?? `HTTP ${response.status}`);
    const failed = report.results.filter((result) => !result.ok).length;
    section.replaceChildren(
      h(
        "p",
        { "data-role": "verdict" },
        failed === 0
          ? `All ${report.results.length} checks passed on ${report.model}.`
          : `${failed} of ${report.results.length} checks failed on ${report.model}.`,
      ),
      h(
        "ul",
        {},
        ...report.results.map((result) =>
          h(
            "li",
            { "data-check": result.check, "data-ok": String(result.ok) },
            h("b", { class: result.ok ? "pass" : "fail" }, result.ok ? "PASS" : "FAIL"),
            ` ${result.title} · ${Math.round(result.latencyMs)} ms · ${result.detail}`,
            result.requestId ? ` [${result.requestId}]` : "",
          ),
        ),
      ),
    );
    section.dataset.state = failed === 0 ? "pass" : "fail";
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    section.replaceChildren(h("p", { class: "error" }, `Health checks could not run: ${message}`));
    section.dataset.state = "error";
  }
});

listPresets();
addPane();
document.body.dataset.ready = "true";

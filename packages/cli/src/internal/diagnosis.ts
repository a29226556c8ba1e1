import {
  type AccessToken,
  APIConnectionError,
  APIError,
  type Gloo,
  PermissionDeniedError,
} from "@gloo-toolkit/sdk";
import { type Credentials, hasCredentials, type Settings } from "./credentials.js";
import { DOCTOR_HINT, describeError } from "./error-message.js";
import { tokenClaims, tokenScope } from "./jwt-claims.js";

/** How a finding came out: `fail` needs action, `warn` may, `info` explains. */
export type Verdict = "ok" | "warn" | "fail" | "info";

/** One diagnosis: what was checked, what was found, and what to do about it. */
export interface Finding {
  id: "base" | "credentials" | "token" | "scope" | "clock" | "model" | "legacy";
  title: string;
  verdict: Verdict;
  detail: string;
  advice?: string | undefined;
  requestId?: string | undefined;
}

/** What the diagnosis needs. */
export interface DiagnosisContext {
  settings: Settings;
  signal: AbortSignal;
  /** A client for the endpoints that need no credentials (the catalogue the base check reads). */
  anonymousClient: () => Gloo;
  /** Builds the authenticated client once the credentials are known to be present. */
  client: (credentials: Credentials) => Gloo;
  /** Try the legacy chat endpoint, which creates a chat on the platform each time. @default false */
  legacy?: boolean | undefined;
  now?: () => number;
}

const SKEW_TOLERANCE_S = 30;

/**
 * Walks the platform's common pitfalls in order (the platform quickstart's "Common Pitfalls &
 * Tips", docs.gloo.com/tutorials/authentication): each step needs the previous one, so the first failure ends the walk with its advice.
 */
export async function diagnose(
  ctx: DiagnosisContext,
  report: (finding: Finding) => void,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  const add = (finding: Finding) => {
    findings.push(finding);
    report(finding);
    return finding.verdict !== "fail";
  };
  const base = await checkBase(ctx);
  if (!add(base.finding)) return findings;
  if (!add(checkCredentials(ctx.settings)) || !hasCredentials(ctx.settings)) return findings;
  const client = ctx.client(ctx.settings);
  const token = await checkToken(client, ctx.signal);
  if (!add(token.finding) || token.value === undefined) return findings;
  add(checkScope(token.value));
  add(checkClock(token.value, base.serverDate, ctx.now ?? Date.now));
  add(await checkModel(client, ctx.settings.model, ctx.signal));
  add(ctx.legacy === true ? await checkLegacy(client, ctx.signal) : legacySkipped);
  return findings;
}

// The catalogue needs no credentials, so it shows whether the base URL is the platform; its
// response's Date header is the server's clock for the skew check.
async function checkBase(
  ctx: DiagnosisContext,
): Promise<{ finding: Finding; serverDate: number | undefined }> {
  const url = `${ctx.settings.baseURL}/platform/v2/models`;
  const title = "base URL reachable";
  const notPlatform =
    "The host answers but not like the platform: check GLOO_BASE is the platform's root URL, with no path.";
  try {
    const { response } = await ctx
      .anonymousClient()
      .models.list({ signal: ctx.signal, timeout: 15_000, maxRetries: 0 })
      .withResponse();
    const finding: Finding = {
      id: "base",
      title,
      verdict: "ok",
      detail: `GET ${url} answered ${response.status}`,
    };
    return { finding, serverDate: dateOf(response.headers) };
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    if (error instanceof APIError) {
      const detail = `GET ${url} answered ${error.status}`;
      const finding: Finding = { id: "base", title, verdict: "warn", detail, advice: notPlatform };
      return { finding, serverDate: dateOf(error.headers) };
    }
    if (!(error instanceof APIConnectionError)) {
      const detail = `GET ${url} answered, but not with the model catalogue: ${describeError(error).message}`;
      return {
        finding: { id: "base", title, verdict: "warn", detail, advice: notPlatform },
        serverDate: undefined,
      };
    }
    const advice = `Check GLOO_BASE (now ${ctx.settings.baseURL}), your network and any proxy; offline, run \`gloo emulator\` and point GLOO_BASE at it.`;
    const detail = describeError(error).message;
    return { finding: { id: "base", title, verdict: "fail", detail, advice }, serverDate: undefined };
  }
}

function dateOf(headers: Headers): number | undefined {
  const date = Date.parse(headers.get("date") ?? "");
  return Number.isNaN(date) ? undefined : date;
}

function checkCredentials(settings: Settings): Finding {
  if (hasCredentials(settings))
    return {
      id: "credentials",
      title: "credentials set",
      verdict: "ok",
      detail: `client id ${settings.clientId}, secret set (not shown)`,
    };
  const missing = [
    settings.clientId === undefined ? "GLOO_CLIENT_ID" : "",
    settings.clientSecret === undefined ? "GLOO_CLIENT_SECRET" : "",
  ].filter((name) => name !== "");
  return {
    id: "credentials",
    title: "credentials set",
    verdict: "fail",
    detail: `${missing.join(" and ")} not set (GLOO_AI_CLIENT_ID / GLOO_AI_CLIENT_SECRET are accepted too)`,
    advice:
      "export GLOO_CLIENT_ID=your-client-id GLOO_CLIENT_SECRET=your-client-secret (or put them in .env).",
  };
}

async function checkToken(
  client: Gloo,
  signal: AbortSignal,
): Promise<{ finding: Finding; value?: AccessToken }> {
  try {
    const token = await client.auth.getToken({ forceRefresh: true, signal });
    return {
      finding: {
        id: "token",
        title: "credentials accepted",
        verdict: "ok",
        detail: `token issued: ${token.accessToken.length} chars, expires in ${token.expiresIn} s`,
      },
      value: token,
    };
  } catch (error) {
    if (signal.aborted) throw error;
    const described = describeError(error);
    return {
      finding: {
        id: "token",
        title: "credentials accepted",
        verdict: "fail",
        detail: described.message,
        advice: withoutDoctorHint(described.hint),
        requestId: described.requestId,
      },
    };
  }
}

function checkScope(token: AccessToken): Finding {
  const scope = tokenScope(token);
  if (scope === undefined)
    return {
      id: "scope",
      title: "scope includes api/access",
      verdict: "warn",
      detail: "the token names no scope (not a JWT, and none in the token response)",
    };
  const ok = scope.split(/\s+/).includes("api/access");
  return {
    id: "scope",
    title: "scope includes api/access",
    verdict: ok ? "ok" : "fail",
    detail: `scope: ${scope}`,
    advice: ok
      ? undefined
      : 'Completions need the "api/access" scope: a 403 on every call is the symptom. Create credentials with API access in Gloo AI Studio.',
  };
}

function checkClock(token: AccessToken, serverDate: number | undefined, now: () => number): Finding {
  const issuedAt = tokenClaims(token.accessToken)?.iat;
  const local = now();
  const skews = [
    typeof issuedAt === "number"
      ? { source: "token iat", seconds: Math.round((local - issuedAt * 1000) / 1000) }
      : undefined,
    serverDate === undefined
      ? undefined
      : { source: "server Date header", seconds: Math.round((local - serverDate) / 1000) },
  ].filter((skew) => skew !== undefined);
  if (skews.length === 0)
    return {
      id: "clock",
      title: "clock skew",
      verdict: "info",
      detail: "no server time available to compare (no JWT iat, no Date header)",
    };
  const worst = Math.max(...skews.map((skew) => Math.abs(skew.seconds)));
  const detail = skews
    .map((skew) => `${skew.seconds >= 0 ? "+" : ""}${skew.seconds} s vs ${skew.source}`)
    .join(", ");
  if (worst <= SKEW_TOLERANCE_S) return { id: "clock", title: "clock skew", verdict: "ok", detail };
  return {
    id: "clock",
    title: "clock skew",
    verdict: "warn",
    detail: `${detail}; the token expires in ${token.expiresIn} s by the server's clock`,
    advice:
      "Tokens are refreshed 60 s before they expire by this machine's clock: a clock this far off sends expired tokens (401) or refreshes too early. Sync the clock (NTP).",
  };
}

async function checkModel(client: Gloo, model: string, signal: AbortSignal): Promise<Finding> {
  const title = `model entitled (${model})`;
  try {
    const completion = await client.chat.completions.create(
      { model, messages: [{ role: "user", content: "Reply with only: OK" }], max_tokens: 8, temperature: 0 },
      { signal, maxRetries: 0 },
    );
    return {
      id: "model",
      title,
      verdict: "ok",
      detail: "200: the model answered",
      requestId: completion.requestId,
    };
  } catch (error) {
    if (signal.aborted) throw error;
    const described = describeError(error);
    const advice =
      error instanceof PermissionDeniedError
        ? `403 with a valid api/access token means this client is not entitled to ${model}: pick one it may use (gloo models; GLOO_MODEL or --model), or ask for access in Gloo AI Studio.`
        : withoutDoctorHint(described.hint);
    return {
      id: "model",
      title,
      verdict: "fail",
      detail: described.message,
      advice,
      requestId: described.requestId,
    };
  }
}

// Trying the legacy endpoint leaves a chat behind on the platform: only when asked, and say so.
const legacySkipped: Finding = {
  id: "legacy",
  title: "legacy /ai/v1/chat history",
  verdict: "info",
  detail:
    "not tried: it creates a chat on the platform each run; `gloo doctor --legacy` tries it. Its history comes back empty (messages: [])",
  advice:
    "Use POST /ai/v1/chat/completions and keep the history client-side, sending it in `messages` each turn (gloo repl and the SDK's Conversation do).",
};

// The quickstart's legacy table: POST /ai/v1/chat may return a chat_id, but GET ?chat_id= shows
// `messages: []`. Run it, show it, and say why completions with client-side history are the way.
async function checkLegacy(client: Gloo, signal: AbortSignal): Promise<Finding> {
  const title = "legacy /ai/v1/chat history";
  const advice =
    "Use POST /ai/v1/chat/completions and keep the history client-side, sending it in `messages` each turn (gloo repl and the SDK's Conversation do).";
  try {
    const created = await client.fetch(`${client.baseURL}/ai/v1/chat`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "Remember the word JUNIPER." }),
      signal,
    });
    const body = (await created.json().catch(() => ({}))) as { chat_id?: unknown };
    if (!created.ok || typeof body.chat_id !== "string") {
      return {
        id: "legacy",
        title,
        verdict: "info",
        detail: `POST /ai/v1/chat answered ${created.status} with no chat_id: the endpoint is not GA`,
        advice,
      };
    }
    const fetched = await client.fetch(
      `${client.baseURL}/ai/v1/chat?chat_id=${encodeURIComponent(body.chat_id)}`,
      { signal },
    );
    const chat = (await fetched.json().catch(() => ({}))) as { messages?: unknown };
    const count = Array.isArray(chat.messages) ? chat.messages.length : "no";
    return {
      id: "legacy",
      title,
      verdict: "info",
      detail: `POST /ai/v1/chat gave chat_id ${body.chat_id}; GET /ai/v1/chat?chat_id=… returned ${count} messages${count === 0 ? " (messages: [])" : ""}. The endpoint is undocumented and not GA: it keeps no usable history`,
      advice,
    };
  } catch (error) {
    if (signal.aborted) throw error;
    return {
      id: "legacy",
      title,
      verdict: "info",
      detail: `could not try it: ${describeError(error).message}`,
      advice,
    };
  }
}

// The doctor is already running: advice that ends "`gloo doctor` checks the usual causes" would
// point at itself.
function withoutDoctorHint(hint: string | undefined): string | undefined {
  const rest = hint?.replace(DOCTOR_HINT, "").trim();
  return rest === "" ? undefined : rest;
}

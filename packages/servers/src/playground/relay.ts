// The page's calls to the platform, made by the playground with its Gloo client: the page never
// holds a token or a secret, and talks only to its own origin.
import { type Gloo, OAuthError } from "@gloo-toolkit/sdk";
import { FAULT_HEADER } from "../emulator/faults.js";
import { readCapped } from "../internal/read-capped.js";
import { hopByHopNames, withoutHopByHop } from "../proxy/hop-by-hop.js";

// fetch has decoded the body, so the upstream's encoding and length no longer describe it; cookies
// belong to the upstream's origin, not the page's.
const DROPPED_RESPONSE_HEADERS = hopByHopNames(["content-encoding", "content-length", "set-cookie"]);

/** A completion request relayed: `api` picks `/ai/v1` or `/ai/v2`. */
export async function relayCompletion(
  gloo: Gloo,
  request: Request,
  api: "v1" | "v2",
  maxBodyBytes: number,
): Promise<Response> {
  const body = await readCapped(request.body, maxBodyBytes);
  if (body === undefined) {
    return playgroundError(413, "body_too_large", `The request body is over ${maxBodyBytes} bytes.`);
  }
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: request.headers.get("accept") ?? "application/json",
  };
  // The emulator's fault header, so faults can be tried from the page; the platform ignores it.
  const fault = request.headers.get(FAULT_HEADER);
  if (fault !== null) headers[FAULT_HEADER] = fault;
  try {
    const upstream = await gloo.fetch(`/ai/${api}/chat/completions`, {
      method: "POST",
      headers,
      body,
      signal: request.signal,
    });
    return relayed(upstream);
  } catch (error) {
    return upstreamFailure(gloo, error);
  }
}

/** The public model catalogue (no token needed), through the SDK. */
export async function relayModels(gloo: Gloo, request: Request): Promise<Response> {
  try {
    const list = await gloo.models.list({ signal: request.signal });
    return Response.json(list, { headers: { "cache-control": "no-store" } });
  } catch (error) {
    return upstreamFailure(gloo, error);
  }
}

function relayed(upstream: Response): Response {
  return new Response(upstream.body, {
    status: upstream.status,
    statusText: upstream.statusText,
    headers: withoutHopByHop(upstream.headers, DROPPED_RESPONSE_HEADERS),
  });
}

// The SDK's errors never hold the secret or a token, so their messages can reach the page.
function upstreamFailure(gloo: Gloo, error: unknown): Response {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof OAuthError) {
    return playgroundError(
      502,
      "upstream_credentials",
      `${gloo.baseURL} refused the playground's credentials (${message}). Check GLOO_CLIENT_ID and GLOO_CLIENT_SECRET and restart gloo playground.`,
    );
  }
  const status = (error as { status?: unknown }).status;
  if (typeof status === "number") return playgroundError(status, "upstream_error", message);
  return playgroundError(502, "upstream_unreachable", `No answer from ${gloo.baseURL}: ${message}`);
}

/** An error of the playground itself, in the platform's `{error: {type, code, message}}` shape. */
export function playgroundError(status: number, code: string, message: string): Response {
  return Response.json(
    { error: { type: "playground_error", code, message } },
    { status, headers: { "cache-control": "no-store" } },
  );
}

// The page's own shapes, for JSDoc in its modules (typechecked by this folder's tsconfig.json).
import type {
  ChatCompletionCreateParamsStreaming,
  ChatCompletionCreateParamsV2Streaming,
  ChatCompletionMessageParam,
  ChatCompletionV2,
  CompletionUsage,
  HealthCheckResult,
  Model,
} from "@gloo-toolkit/sdk";

declare global {
  /** `GET /api/info`: what the playground talks to. */
  interface PlaygroundInfo {
    upstream: "platform" | "emulator";
    baseURL: string;
    model: string;
  }

  /** What every pane shares. */
  interface PlaygroundApp {
    info: PlaygroundInfo;
    catalogue: Model[];
    systemPrompt(): string;
  }

  /** `POST /api/health`: the SDK's health check results with their titles, or an error. */
  interface HealthReport {
    ok: boolean;
    model: string;
    results: (HealthCheckResult & { title: string })[];
    error?: { message: string };
  }

  /** A preset in localStorage. */
  interface Preset {
    name: string;
    system?: string;
    temperature?: string;
    maxTokens?: string;
  }

  type V1Body = ChatCompletionCreateParamsStreaming;
  type V2Body = ChatCompletionCreateParamsV2Streaming;
  /** A pane's request body: streamed, v1 or v2. */
  type RequestBody = V1Body | V2Body;

  /** One request of a pane and what came back. */
  interface Exchange {
    api: "v1" | "v2";
    params: RequestBody;
    fault: string;
    requestBody: string | undefined;
    raw: string;
    requestId: string | undefined;
    text: string;
    status: "streaming" | "done" | "stopped" | "error";
    error: string | undefined;
    /** The assembled completion; a v2 one carries the routing fields. */
    completion: ChatCompletionV2 | undefined;
    ttftMs: number | undefined;
    latencyMs: number | undefined;
  }

  type Message = ChatCompletionMessageParam;
  type Usage = CompletionUsage;
  type CatalogueModel = Model;
  /** A cost (an exact decimal string in USD), or why there is none. */
  type Cost = { usd: string; missing?: undefined } | { missing: "no price" | "no usage"; usd?: undefined };
}

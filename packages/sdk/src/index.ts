export type { APIPromise, WithResponse } from "./api-promise.js";
export {
  type BatchOptions,
  type BatchOutcome,
  type BatchOutputLine,
  type BatchRun,
  type BatchStats,
  type BatchStopReason,
  runBatch,
} from "./batch.js";
export {
  BATCH_URLS,
  type BatchRequest,
  type BatchRequestCheck,
  type BatchRequestInput,
  checkBatchRequest,
  quoteRequest,
  type RequestQuote,
} from "./batch-request.js";
export { ChatCompletions, ChatCompletionsV2 } from "./chat-completions.js";
export {
  ChatCompletionStream,
  type ChatCompletionStreamOptions,
  DEFAULT_STREAM_IDLE_TIMEOUT,
} from "./chat-stream.js";
export { DEFAULT_BASE_URL, type GetTokenOptions, Gloo, type GlooOptions } from "./client.js";
export {
  Conversation,
  type ConversationInit,
  type ConversationJSON,
  type ConversationParams,
} from "./conversation.js";
export {
  type Cost,
  type CostResult,
  costOf,
  costUnits,
  formatUsd,
  isPriced,
  type ModelRates,
  parseRates,
  ratesOf,
  type Unpriced,
  usageCostUnits,
  V1_DEFAULT_MODEL,
} from "./cost.js";
export {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  CORSError,
  ConflictError,
  GlooError,
  InternalServerError,
  NotFoundError,
  OAuthError,
  PermissionDeniedError,
  RateLimitError,
  type RequestTarget,
  RequestValidationError,
  SSEEventTooLargeError,
  StreamError,
  StreamInterruptedError,
  UnprocessableEntityError,
  type ValidationIssue,
} from "./errors.js";
export {
  citationsOf,
  type GroundedCitation,
  type GroundedCompletion,
  type GroundedCompletionChunk,
  type GroundedCompletionCreateParams,
  type GroundedCompletionCreateParamsBase,
  type GroundedCompletionCreateParamsNonStreaming,
  type GroundedCompletionCreateParamsStreaming,
} from "./grounded-completions.js";
export {
  type HealthCheck,
  type HealthCheckId,
  type HealthCheckOutcome,
  type HealthCheckResult,
  healthChecks,
  type RunHealthChecksOptions,
  runHealthChecks,
} from "./health-checks.js";
export { MODEL_FAMILIES, Models } from "./models.js";
export {
  AccessToken,
  type AccessTokenInit,
  type ClientCredentialsOptions,
  maskToken,
  requestClientCredentialsToken,
} from "./oauth.js";
export {
  type GlooClientLike,
  type GlooOpenAIOptions,
  type OpenAIOptionsConfig,
  openAICompatibleFetch,
  openAIOptions,
} from "./openai-options.js";
export {
  type CatalogueSource,
  createPriceList,
  PriceBook,
  type PriceBookOptions,
  type PriceList,
} from "./price-book.js";
export {
  type AttemptFailure,
  DEFAULT_RETRY_POLICY,
  isRetryableError,
  isRetryableStatus,
  type RetryPolicy,
  retryDelay,
  retryHintMs,
  shouldRetry,
} from "./retry.js";
export {
  ROUTING_FIELDS,
  type RoutingChoice,
  type RoutingMechanism,
  routingMechanism,
  routingMechanisms,
  toRouting,
  withoutRouting,
} from "./routing.js";
export { type BudgetState, type Reservation, SpendBudget } from "./spend-budget.js";
export {
  createSSEParser,
  DEFAULT_MAX_EVENT_SIZE,
  type ServerSentEvent,
  type SSEParser,
  type SSEParserOptions,
} from "./sse.js";
export {
  assembleCompletion,
  type CompletionAccumulator,
  createCompletionAccumulator,
} from "./stream-assembly.js";
export { TokenCache, type TokenCacheGetOptions, type TokenCacheOptions } from "./token-cache.js";
export type {
  AutoRouting,
  ChatCompletion,
  ChatCompletionAssistantMessageParam,
  ChatCompletionChoice,
  ChatCompletionChunk,
  ChatCompletionChunkChoice,
  ChatCompletionChunkDelta,
  ChatCompletionChunkToolCall,
  ChatCompletionContentPart,
  ChatCompletionContentPartImage,
  ChatCompletionContentPartText,
  ChatCompletionCreateParams,
  ChatCompletionCreateParamsBase,
  ChatCompletionCreateParamsCommon,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionCreateParamsV2,
  ChatCompletionCreateParamsV2Base,
  ChatCompletionCreateParamsV2NonStreaming,
  ChatCompletionCreateParamsV2Streaming,
  ChatCompletionDeveloperMessageParam,
  ChatCompletionFinishReason,
  ChatCompletionMessage,
  ChatCompletionMessageParam,
  ChatCompletionMessageToolCall,
  ChatCompletionRole,
  ChatCompletionRouting,
  ChatCompletionSystemMessageParam,
  ChatCompletionTool,
  ChatCompletionToolChoiceOption,
  ChatCompletionToolMessageParam,
  ChatCompletionUserMessageParam,
  ChatCompletionV2,
  CompletionUsage,
  FetchFunction,
  Model,
  ModelFamily,
  ModelFamilyRouting,
  ModelList,
  ModelPricing,
  ModelRouting,
  PlatformErrorObject,
  RequestOptions,
  ResponseFormat,
  RoutingMetadata,
  TokenProviderResult,
  Tradition,
  WithRequestId,
} from "./types.js";

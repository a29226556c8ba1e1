export type { Command, CommandContext, Input, Output } from "./context.js";
export { ExitCode, FailureError, UsageError } from "./errors.js";
export { type MainOptions, main } from "./main.js";

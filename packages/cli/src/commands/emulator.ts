import type { Command } from "../context.js";
import { FailureError } from "../errors.js";

// Placeholder until the command lands; see the open issue that owns `gloo emulator`.
export const command: Command = {
  summary: "",
  async run() {
    throw new FailureError("`gloo emulator` is not available in this build yet.");
  },
};

import type { Command } from "../context.js";
import { FailureError } from "../errors.js";

// Placeholder until the command lands; see the open issue that owns `gloo quickstart`.
export const command: Command = {
  summary: "",
  async run() {
    throw new FailureError("`gloo quickstart` is not available in this build yet.");
  },
};

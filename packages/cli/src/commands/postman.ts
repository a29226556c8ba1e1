import type { Command } from "../context.js";
import { FailureError } from "../errors.js";

// Placeholder until the command lands; see the open issue that owns `gloo postman`.
export const command: Command = {
  summary: "",
  async run() {
    throw new FailureError("`gloo postman` is not available in this build yet.");
  },
};

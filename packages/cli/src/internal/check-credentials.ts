import { OAuthError } from "@gloo-toolkit/sdk";
import type { CommandContext } from "../context.js";
import { FailureError } from "../errors.js";
import type { createClient } from "./client.js";

/**
 * Gets a token before a long-running command starts serving (`gloo proxy`, `gloo worker`): bad
 * credentials would make every request fail, so say so now (exit 1). An unreachable platform is only
 * a warning, since it may come up later.
 */
export async function checkCredentials(
  ctx: CommandContext,
  gloo: ReturnType<typeof createClient>,
): Promise<void> {
  try {
    await gloo.auth.getToken({ signal: ctx.signal });
  } catch (error) {
    if (error instanceof OAuthError) {
      throw new FailureError(
        `the platform refused the credentials: ${error.message}`,
        "Check GLOO_CLIENT_ID and GLOO_CLIENT_SECRET.",
      );
    }
    if (ctx.signal.aborted) throw error;
    const message = error instanceof Error ? error.message : String(error);
    ctx.stderr.write(
      `warning: could not get a token from ${gloo.baseURL} yet (${message}); starting anyway.\n`,
    );
  }
}

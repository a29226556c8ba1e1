import { Conversation, type Gloo } from "@gloo-toolkit/sdk";
import type { ConversationFactory, ReplConversation, ReplReply, ReplUsage } from "./repl-session.js";

/**
 * Adapts the SDK's `Conversation` to the REPL: saved files go through `toJSON`/`fromJSON` (which
 * validates them), and every reply asks for a usage chunk so the prompt size can be watched.
 */
export function conversationFactory(client: Gloo, api: "v1" | "v2"): ConversationFactory {
  return (saved) => {
    const base =
      saved === undefined ? new Conversation({ client, api }) : Conversation.fromJSON(saved, client);
    // A saved file names its own API; the REPL keeps talking to the one it was started with.
    const conversation = saved === undefined ? base : new Conversation({ ...initOf(base), client, api });
    return adapt(conversation);
  };
}

function initOf(conversation: Conversation) {
  const json = conversation.toJSON();
  return { messages: json.messages, ...(json.system === undefined ? {} : { system: json.system }) };
}

function adapt(conversation: Conversation): ReplConversation {
  return {
    get messageCount() {
      return conversation.messages.length;
    },
    setSystem: (text) => void conversation.system(text),
    reset: () => void conversation.reset(),
    estimateTokens: () => conversation.estimateTokens(),
    trimTo: (budget) => conversation.trimTo(budget),
    toJSON: () => conversation.toJSON(),
    async send(text, model, signal): Promise<ReplReply> {
      const params = { ...(model === undefined ? {} : { model }), stream_options: { include_usage: true } };
      const stream = await conversation.stream(text, params, { signal });
      let usage: ReplUsage | undefined;
      let answeredBy: string | undefined;
      // The text as the SDK gives it; once it has all arrived, the stream's outcome has the usage.
      async function* deltas(): AsyncGenerator<string> {
        yield* stream.textStream();
        const completion = await stream.done;
        answeredBy = completion.model;
        if (completion.usage != null)
          usage = {
            promptTokens: completion.usage.prompt_tokens,
            completionTokens: completion.usage.completion_tokens,
          };
      }
      return { text: deltas(), usage: () => usage, model: () => answeredBy, requestId: stream.requestId };
    },
  };
}

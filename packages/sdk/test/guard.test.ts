import { RequestValidationError } from "@gloo-toolkit/sdk";
import { guardMessages, guardRouting, guardValues, serializeBody } from "@gloo-toolkit/sdk/guard";
import { describe, expect, it } from "vitest";

const failure = (run: () => void) => {
  try {
    run();
  } catch (error) {
    return error as RequestValidationError;
  }
  throw new Error("expected the guard to throw");
};

describe("guardMessages", () => {
  it("accepts a conversation ending with the user, or with a tool result", () => {
    expect(() =>
      guardMessages({
        messages: [
          { role: "system", content: "s" },
          { role: "user", content: "u" },
        ],
      }),
    ).not.toThrow();
    const toolLoop = [
      { role: "user", content: "weather?" },
      { role: "assistant", content: null, tool_calls: [] },
      { role: "tool", tool_call_id: "c1", content: "sunny" },
    ];
    expect(() => guardMessages({ messages: toolLoop })).not.toThrow();
  });

  it("explains each documented pitfall with a fix", () => {
    expect(failure(() => guardMessages(null)).param).toBe("params");
    expect(failure(() => guardMessages({})).message).toContain('pass [{ role: "user"');
    expect(failure(() => guardMessages({ messages: [] })).message).toContain("the API keeps no history");
    const last = failure(() =>
      guardMessages({
        messages: [
          { role: "user", content: "a" },
          { role: "assistant", content: "b" },
        ],
      }),
    );
    expect(last.param).toBe("messages[1].role");
    expect(last.message).toContain(`the last message must have role "user" (it is "assistant")`);
    const role = failure(() => guardMessages({ messages: [{ role: "human", content: "a" }] }));
    expect(role.message).toContain(
      '"human" is not a role: use one of system, developer, user, assistant, tool',
    );
    expect(failure(() => guardMessages({ messages: ["hi"] })).param).toBe("messages[0]");
  });
});

describe("guardRouting", () => {
  it("wants exactly one routing mechanism", () => {
    expect(() => guardRouting({ auto_routing: true })).not.toThrow();
    expect(() => guardRouting({ model: "m", auto_routing: false })).not.toThrow();
    expect(() => guardRouting({ model_family: "google" })).not.toThrow();
    expect(failure(() => guardRouting({})).message).toContain("none is set");
    expect(failure(() => guardRouting({ model: "m", model_family: "google" })).message).toContain(
      "model and model_family",
    );
  });
});

describe("guardValues and serializeBody", () => {
  it("rejects values JSON would silently change", () => {
    expect(failure(() => guardValues({ temperature: Number.POSITIVE_INFINITY })).param).toBe("temperature");
    expect(failure(() => guardValues({ user: () => "x" })).message).toContain("function");
  });

  it("explains cycles and BigInt", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => serializeBody(cyclic)).toThrow(RequestValidationError);
    expect(() => serializeBody({ n: 1n })).toThrow(/not JSON-serialisable/);
    expect(serializeBody({ a: 1 })).toBe('{"a":1}');
  });
});

// The one definition of v2 routing: which mechanism a request uses, and the typed routing for a choice.
import {
  type ChatCompletionCreateParamsV2,
  RequestValidationError,
  ROUTING_FIELDS,
  routingMechanism,
  routingMechanisms,
  toRouting,
  withoutRouting,
} from "@gloo-toolkit/sdk";
import { describe, expect, it } from "vitest";

const messages = [{ role: "user" as const, content: "Hi" }];

describe("v2 routing", () => {
  it("names the three mechanisms by their request fields", () => {
    expect(ROUTING_FIELDS).toEqual(["auto_routing", "model", "model_family"]);
  });

  it.each([
    [{ auto_routing: true }, ["auto_routing"]],
    [{ auto_routing: false, model: "m" }, ["model"]],
    [{ model_family: "anthropic", model: "" }, ["model_family"]],
    [{ auto_routing: true, model: "m", model_family: "google" }, ["auto_routing", "model", "model_family"]],
    [{}, []],
  ])("routingMechanisms(%j) is %j", (params, expected) => {
    expect(routingMechanisms(params)).toEqual(expected);
  });

  it("routingMechanism returns the one mechanism, or says what to fix", () => {
    expect(routingMechanism({ model: "m", messages })).toBe("model");
    expect(() => routingMechanism({ messages })).toThrow(
      "v2 needs exactly one of auto_routing: true, model or model_family, but none is set.",
    );
    const error = (() => {
      try {
        routingMechanism({ auto_routing: true, model_family: "google" });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(RequestValidationError);
    expect((error as RequestValidationError).message).toContain(
      "auto_routing: true and model_family are all set",
    );
  });

  it("toRouting gives exactly the chosen field, typed for a v2 request without casts", () => {
    expect(toRouting({ auto_routing: true, model: undefined })).toEqual({ auto_routing: true });
    expect(toRouting({ model: "m" })).toEqual({ model: "m" });
    expect(toRouting({ model_family: "open source" })).toEqual({ model_family: "open source" });
    const request: ChatCompletionCreateParamsV2 = { ...toRouting({ model: "m" }), messages };
    expect(request).toEqual({ model: "m", messages });
    expect(() => toRouting({ model: "m", model_family: "google" })).toThrow(RequestValidationError);
  });

  it("withoutRouting drops every routing field and keeps the rest", () => {
    const body = { model: "m", auto_routing: true, model_family: "google", messages, temperature: 0 };
    expect(withoutRouting(body)).toEqual({ messages, temperature: 0 });
    expect(body.model).toBe("m");
  });
});

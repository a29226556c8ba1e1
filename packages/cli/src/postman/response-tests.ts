// Test scripts (`pm.test`) run after each response. Every script parses the body defensively and
// makes its checks inside `pm.test`, so a failing platform gives readable assertion failures
// rather than script errors.

/** Collection variable holding the `x-request-id` of the last completion (quickstart: keep it for support). */
export const LAST_REQUEST_ID = "last_request_id";
/** Collection variable holding the `chat_id` the legacy chat endpoint returned. */
export const LEGACY_CHAT_ID = "legacy_chat_id";

/** The exact string the echo health check asks for (quickstart, "Minimal Health Checks" A). */
export const ECHO_TEXT = "PING-9473e0";
/** The word the determinism health check asks for, `n` times (quickstart, B). */
export const DETERMINISM_WORD = "SUN";
/** How many choices the determinism check requests. */
export const DETERMINISM_N = 3;
/** The text the streaming request asks for (quickstart, section 3). */
export const STREAM_TEXT = "STREAM-OK";

function parseJsonBody(): string[] {
  return ["let body;", "try { body = pm.response.json(); } catch (parseError) { body = undefined; }"];
}

/** Asserts status 200; on failure the message carries the platform's answer (never a credential). */
function statusTest(what: string): string[] {
  return [
    "pm.test('status is 200', () => {",
    `  const answer = '${what} returned ' + pm.response.code + ' ' + pm.response.text().slice(0, 300);`,
    "  pm.expect(pm.response.code, answer).to.equal(200);",
    "});",
  ];
}

/** Wraps checks that only make sense on success: on a failure the status test alone names the problem. */
function whenOk(lines: string[]): string[] {
  return ["if (pm.response.code === 200) {", ...lines.map((line) => `  ${line}`), "}"];
}

function requestIdTest(): string[] {
  return [
    "pm.test('x-request-id is kept for support', () => {",
    "  const requestId = pm.response.headers.get('x-request-id');",
    "  pm.expect(requestId, 'no x-request-id header').to.be.a('string').that.is.not.empty;",
    `  pm.collectionVariables.set('${LAST_REQUEST_ID}', requestId);`,
    "});",
  ];
}

function contentOf(index: number): string {
  return `body && body.choices && body.choices[${index}] && body.choices[${index}].message && body.choices[${index}].message.content`;
}

/** Tests of a non-streaming chat completion: 200, `chat.completion`, a non-empty answer, a request id. */
export function completionTests(): string[] {
  return [
    ...parseJsonBody(),
    "",
    ...statusTest("the completion request"),
    ...whenOk([
      "pm.test('object is chat.completion', () => {",
      "  pm.expect(body && body.object).to.equal('chat.completion');",
      "});",
      "pm.test('choices[0].message.content is not empty', () => {",
      `  pm.expect(${contentOf(0)}).to.be.a('string').that.is.not.empty;`,
      "});",
      ...requestIdTest(),
    ]),
  ];
}

/** Tests of the exact-echo health check: the answer is the requested string, byte for byte. */
export function echoTests(): string[] {
  return [
    ...parseJsonBody(),
    "",
    ...statusTest("the echo check"),
    ...whenOk([
      `pm.test('the answer is exactly ${ECHO_TEXT}', () => {`,
      `  pm.expect(${contentOf(0)}).to.equal('${ECHO_TEXT}');`,
      "});",
      ...requestIdTest(),
    ]),
  ];
}

/** Tests of the determinism health check: `n` choices at temperature 0, all the same word. */
export function determinismTests(): string[] {
  return [
    ...parseJsonBody(),
    "",
    ...statusTest("the determinism check"),
    ...whenOk([
      `pm.test('there are ${DETERMINISM_N} choices', () => {`,
      `  pm.expect(body && body.choices).to.be.an('array').with.lengthOf(${DETERMINISM_N});`,
      "});",
      `pm.test('every choice answers exactly ${DETERMINISM_WORD}', () => {`,
      "  const answers = ((body && body.choices) || []).map((choice) => choice.message && choice.message.content);",
      `  pm.expect(answers).to.eql(Array(${DETERMINISM_N}).fill('${DETERMINISM_WORD}'));`,
      "});",
      ...requestIdTest(),
    ]),
  ];
}

/**
 * Tests of a streamed completion. newman hands the whole `text/event-stream` body over at once, so
 * the script splits it into events (blank-line separated, `data:` lines joined by newlines, per the
 * WHATWG event-stream format) and checks the chunks.
 */
export function streamTests(): string[] {
  return [
    "const events = pm.response.text().split(/\\r?\\n\\r?\\n/)",
    "  .map((block) => block.split(/\\r?\\n/).filter((line) => line.startsWith('data:')))",
    "  .filter((lines) => lines.length > 0)",
    "  .map((lines) => lines.map((line) => line.slice(5).replace(/^ /, '')).join('\\n'))",
    "  // The platform does not send `data: [DONE]`; tolerate it when a server does.",
    "  .filter((data) => data !== '[DONE]');",
    "const chunks = events.map((data) => { try { return JSON.parse(data); } catch (parseError) { return data; } });",
    "const withChoices = chunks.filter((chunk) => chunk && chunk.choices && chunk.choices.length > 0);",
    "",
    ...statusTest("the streaming request"),
    ...whenOk([
      "pm.test('content type is text/event-stream', () => {",
      "  pm.expect(pm.response.headers.get('content-type') || '').to.include('text/event-stream');",
      "});",
      "pm.test('every event is a chat.completion.chunk', () => {",
      "  pm.expect(chunks.length, 'no data events in the stream').to.be.above(0);",
      "  chunks.forEach((chunk) => pm.expect(chunk && chunk.object, JSON.stringify(chunk)).to.equal('chat.completion.chunk'));",
      "});",
      "pm.test('the first delta has role assistant', () => {",
      "  pm.expect(withChoices[0] && withChoices[0].choices[0].delta.role).to.equal('assistant');",
      "});",
      "// A stream that fails part-way ends with finish_reason 'error' and an error object: show it.",
      "pm.test('the stream ends with finish_reason stop or length', () => {",
      "  const last = withChoices[withChoices.length - 1];",
      "  const reason = last && last.choices[0].finish_reason;",
      "  pm.expect(reason, 'last chunk: ' + JSON.stringify(last).slice(0, 300)).to.be.oneOf(['stop', 'length']);",
      "});",
      `pm.test('the streamed text is ${STREAM_TEXT}', () => {`,
      "  const text = withChoices.map((chunk) => chunk.choices[0].delta.content || '').join('');",
      `  pm.expect(text.trim()).to.equal('${STREAM_TEXT}');`,
      "});",
      ...requestIdTest(),
    ]),
  ];
}

/** Tests of the legacy `POST /ai/v1/chat`: it answers a `chat_id`, kept for the GET that follows. */
export function legacyCreateTests(): string[] {
  return [
    ...parseJsonBody(),
    "",
    ...statusTest("the legacy chat request"),
    ...whenOk([
      "pm.test('the answer carries a chat_id', () => {",
      "  pm.expect(body && body.chat_id).to.be.a('string').that.is.not.empty;",
      "});",
      `if (body && body.chat_id) pm.collectionVariables.set('${LEGACY_CHAT_ID}', body.chat_id);`,
    ]),
  ];
}

/** Lines of a pre-request script that stops the legacy GET early, and says why, when no chat exists yet. */
export function legacyReadPreRequest(createName: string): string[] {
  return [
    `if (!pm.collectionVariables.get('${LEGACY_CHAT_ID}')) {`,
    "  pm.test('a legacy chat_id is stored', () => {",
    `    pm.expect.fail('no ${LEGACY_CHAT_ID}: run "${createName}" first');`,
    "  });",
    "  pm.execution.skipRequest();",
    "}",
  ];
}

/** Tests of the legacy `GET /ai/v1/chat?chat_id=`: they document that `messages` comes back empty. */
export function legacyReadTests(): string[] {
  return [
    ...parseJsonBody(),
    "",
    ...statusTest("the legacy chat lookup"),
    ...whenOk([
      "pm.test('the chat_id is the one created', () => {",
      `  pm.expect(body && body.chat_id).to.equal(pm.collectionVariables.get('${LEGACY_CHAT_ID}'));`,
      "});",
      "// Not GA: the quickstart observed that no history is kept, which is why production code must use",
      "// /ai/v1/chat/completions and keep the conversation client-side.",
      "pm.test('messages is empty (the legacy endpoint keeps no usable history)', () => {",
      "  pm.expect(body && body.messages).to.be.an('array').that.is.empty;",
      "});",
    ]),
  ];
}

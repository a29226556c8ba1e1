// The answers `serve` gives itself, when no handler can: HTTP node's parser rejects, a request
// with no usable URL, a handler that crashed. JSON like the handlers' own, with an x-request-id.
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { Socket } from "node:net";

/** A JSON error answer on a response whose head has not been sent; `close` ends the connection after it. */
export function writeJsonError(res: ServerResponse, status: number, error: object, close = false): void {
  const text = JSON.stringify({ error });
  const headers: Record<string, string | number> = {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "x-request-id": randomUUID(),
  };
  // Node then closes the socket once the answer is written instead of waiting for the next request.
  if (close) headers.connection = "close";
  res.writeHead(status, headers);
  res.end(text);
}

/** Answers what node's HTTP parser rejects (a `clientError`), then closes the connection. */
export function answerUnparsable(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === "HPE_HEADER_OVERFLOW";
  const status = tooLarge ? 431 : 400;
  const message = tooLarge
    ? "The request headers are too large."
    : "The request is not valid HTTP/1.1; check the request line, headers and body framing.";
  const body = JSON.stringify({ error: { type: "invalid_request_error", message } });
  const reason = tooLarge ? "Request Header Fields Too Large" : "Bad Request";
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nx-request-id: ${randomUUID()}\r\nconnection: close\r\n\r\n${body}`,
  );
}

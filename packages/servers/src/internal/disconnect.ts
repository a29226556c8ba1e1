/** The client-disconnect signal, made only when someone asks for it (most requests never do). */
export class Disconnect {
  #controller: AbortController | undefined;
  #aborted = false;

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(reason());
    }
    return this.#controller.signal;
  }

  abort(): void {
    this.#aborted = true;
    this.#controller?.abort(reason());
  }
}

const reason = () => new Error("The client closed the connection.");

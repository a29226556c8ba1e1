// A stand-in is a cheap object that answers the common members of a web class (Request, Headers)
// itself and builds the real object only when something else is asked of it. It passes
// `instanceof` through its prototype chain and forwards every member it does not define to the
// real object. Node 20's undici keeps a Request's state in symbol-keyed properties, which a
// stand-in forwards too, so `new Request(standIn)` and `fetch(standIn)` read the real object's
// state; later versions use `#private` fields, which no stand-in can forward (their undici objects
// are also far cheaper), so `standInsWork` is false there and `serve` hands handlers real Requests.
// Headers needs no slots: undici only reads another Headers' private list when its iterator is
// Headers.prototype.entries, and a stand-in's is not, so it is read as a sequence of pairs.

/** The method a stand-in implements to build (once) and return the real object it stands for. */
export const REAL: unique symbol = Symbol("real");

/** A class whose instances can build the real web object they stand for. */
interface StandInClass {
  prototype: { [REAL](): object };
}

// The symbol keys under which undici keeps a Request's state (none when it uses #private fields).
const requestSlots = Object.getOwnPropertySymbols(new Request("http://localhost/"));

/** True when this runtime's Request keeps its state in symbol slots a stand-in can forward. */
export const standInsWork: boolean = requestSlots.length > 0;

/**
 * Makes `standIn` pass `instanceof web` and answer every member of `web.prototype` it does not
 * define itself, and every internal slot in `slots`, from its real object.
 */
function delegate(standIn: StandInClass, web: { prototype: object }, slots: symbol[]): void {
  const own = standIn.prototype;
  Object.setPrototypeOf(own, web.prototype);
  for (const key of Reflect.ownKeys(web.prototype)) {
    if (key === "constructor" || Object.hasOwn(own, key)) continue;
    const member = Object.getOwnPropertyDescriptor(web.prototype, key);
    if (member?.get !== undefined) {
      const get = member.get;
      Object.defineProperty(own, key, {
        get(this: { [REAL](): object }) {
          return get.call(this[REAL]());
        },
        configurable: true,
      });
    } else if (typeof member?.value === "function") {
      const method = member.value as (...args: unknown[]) => unknown;
      Object.defineProperty(own, key, {
        value(this: { [REAL](): object }, ...args: unknown[]) {
          return method.apply(this[REAL](), args);
        },
        configurable: true,
        writable: true,
      });
    }
  }
  for (const slot of slots) {
    Object.defineProperty(own, slot, {
      get(this: { [REAL](): Record<symbol, unknown> }) {
        return this[REAL]()[slot];
      },
      configurable: true,
    });
  }
}

/** Makes `standIn` a stand-in for Request (see the top of this file). */
export function standInForRequest(standIn: StandInClass): void {
  delegate(standIn, Request, requestSlots);
}

/** Makes `standIn` a stand-in for Headers (see the top of this file). */
export function standInForHeaders(standIn: StandInClass): void {
  delegate(standIn, Headers, []);
}

// What the fast web classes share: a stand-in whose prototype chains to the real class's, so
// `instanceof`, `Object.prototype.toString` and the prototype's own members all see a Request or a
// Response, and whose every member it does not define itself forwards to the real object behind it.

/**
 * Makes `standIn` pass for `real`: its prototype chains to `real.prototype`, it is named like
 * `real`, and each method or getter of `real.prototype` it lacks is called on `realOf(this)`.
 */
export function standIn<T extends object>(
  standIn: abstract new (...args: never[]) => T,
  real: abstract new (...args: never[]) => object,
  realOf: (self: T) => object,
): void {
  const own = new Set(Reflect.ownKeys(standIn.prototype));
  for (const key of Reflect.ownKeys(real.prototype)) {
    if (own.has(key) || key === Symbol.toStringTag) continue;
    const descriptor = Object.getOwnPropertyDescriptor(real.prototype, key) as PropertyDescriptor;
    if (typeof descriptor.value === "function")
      Object.defineProperty(standIn.prototype, key, {
        ...descriptor,
        value(this: T, ...args: unknown[]) {
          const target = realOf(this) as Record<PropertyKey, (...a: unknown[]) => unknown>;
          return (target[key] as (...a: unknown[]) => unknown).apply(target, args);
        },
      });
    else if (descriptor.get !== undefined)
      Object.defineProperty(standIn.prototype, key, {
        ...descriptor,
        get(this: T) {
          return (realOf(this) as Record<PropertyKey, unknown>)[key];
        },
      });
  }
  Object.setPrototypeOf(standIn.prototype, real.prototype);
  Object.defineProperty(standIn, "name", { value: real.name });
}

/**
 * Runs the steps after a write (its read-backs, recording the revision) with the client's
 * Ctrl-C signal held off, so their outcome is known (see `Kube.shield`). Clients without a
 * session signal run `fn` as is.
 *
 * @module
 */

import type { Kube } from "./types.ts";

/**
 * `kube.shield(fn)` when the client has one, else `fn()`.
 *
 * @example
 * ```ts ignore
 * import { shielded } from "./shield.ts";
 * const stored = await shielded(kube, () => kube.replace(Resources.podcliquesets, next));
 * ```
 */
export function shielded<T>(kube: Kube, fn: () => Promise<T>): Promise<T> {
  return kube.shield ? kube.shield(fn) : fn();
}

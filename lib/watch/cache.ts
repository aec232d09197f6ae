/**
 * An in-memory cache of one kind's objects, kept current by watch events.
 * Pure data structure: no I/O, so it is unit-tested on its own.
 *
 * @module
 */

import type { KubeObject, WatchEvent } from "../kube/types.ts";

/** Identity of an object in a cache: its uid, else `namespace/name`. */
export function objectKey(o: KubeObject): string {
  return o.metadata?.uid || `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;
}

function sameVersion(a: KubeObject | undefined, b: KubeObject): boolean {
  if (!a) return false;
  const ra = a.metadata?.resourceVersion;
  const rb = b.metadata?.resourceVersion;
  return ra !== undefined && ra === rb;
}

/**
 * The objects of one list+watch, by identity.
 *
 * @example
 * ```ts
 * import { ObjectCache } from "./cache.ts";
 * const cache = new ObjectCache();
 * cache.replace([{ metadata: { name: "a", namespace: "ns", resourceVersion: "1" } }]);
 * cache.apply({ type: "DELETED", object: { metadata: { name: "a", namespace: "ns" } } }); // true
 * cache.items().length; // 0
 * ```
 */
export class ObjectCache<T extends KubeObject = KubeObject> {
  #items = new Map<string, T>();

  /** Replaces the whole content (after a list or a relist); true when anything changed. */
  replace(items: readonly T[]): boolean {
    const next = new Map(items.map((o) => [objectKey(o), o]));
    let changed = next.size !== this.#items.size;
    if (!changed) {
      for (const [k, o] of next) {
        if (!sameVersion(this.#items.get(k), o)) {
          changed = true;
          break;
        }
      }
    }
    this.#items = next;
    return changed;
  }

  /** Applies one watch event; true when the content changed (bookmarks never change it). */
  apply(ev: WatchEvent<T>): boolean {
    switch (ev.type) {
      case "ADDED":
      case "MODIFIED": {
        const k = objectKey(ev.object);
        if (sameVersion(this.#items.get(k), ev.object)) return false;
        this.#items.set(k, ev.object);
        return true;
      }
      case "DELETED":
        return this.#items.delete(objectKey(ev.object)) ||
          this.#deleteByName(ev.object);
      case "RELISTED":
        return this.replace(ev.items);
      default:
        return false;
    }
  }

  #deleteByName(o: T): boolean {
    // A DELETED event without uid (rare) still removes the object by namespace/name.
    for (const [k, v] of this.#items) {
      if (v.metadata.name === o.metadata.name && v.metadata.namespace === o.metadata.namespace) {
        return this.#items.delete(k);
      }
    }
    return false;
  }

  /** The objects, sorted by namespace and name (stable output). */
  items(): T[] {
    return [...this.#items.values()].sort((a, b) =>
      (a.metadata.namespace ?? "").localeCompare(b.metadata.namespace ?? "") ||
      a.metadata.name.localeCompare(b.metadata.name)
    );
  }

  /** Number of objects. */
  get size(): number {
    return this.#items.size;
  }
}

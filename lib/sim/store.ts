/**
 * The simulated cluster's object store: every object in memory, a global
 * resourceVersion counter, uids and creation timestamps, generation bumps on
 * spec changes, finalizers and owner-reference garbage collection, a bounded
 * event history for watches (a watch from before the history is 410 Expired)
 * and change subscriptions.
 *
 * Stored objects are never mutated in place: every write stores a new object,
 * so readers may hold and serialize what they got.
 *
 * @module
 */

import { apiVersionOf, qualifiedName, type ResourceDescriptor } from "../kube/resources.ts";
import type { KubeObject } from "../kube/types.ts";
import { GroveError } from "../errors.ts";
import { clone } from "./patch.ts";
import { resolveResource, resourceOfObject, type ResourceRef } from "./resolve.ts";
import { alreadyExists, badRequest, conflict, notFound } from "./status.ts";

/** A change in the store. */
export interface StoreEvent {
  /** What happened. */
  type: "ADDED" | "MODIFIED" | "DELETED";
  /** The resource of the object. */
  resource: ResourceDescriptor;
  /** The object after the change (for DELETED: as it was, with the deletion's resourceVersion). */
  object: KubeObject;
  /** The global resourceVersion of this change. */
  resourceVersion: number;
  /** The object before the change (MODIFIED and DELETED). */
  old?: KubeObject;
}

/** Options of a {@link SimStore}. */
export interface SimStoreOptions {
  /** How many events the watch history keeps (default 10,000). */
  historyLimit?: number;
  /** The clock (default `Date.now`). */
  now?: () => number;
}

/** Options of a delete. */
export interface DeleteOptions {
  /** Refuse (409) unless the object still has this uid / resourceVersion. */
  preconditions?: { uid?: string; resourceVersion?: string };
  /** `Background` (default), `Foreground` or `Orphan`: what happens to owned objects. */
  propagationPolicy?: "Background" | "Foreground" | "Orphan";
  /** Validate only; do not change anything. */
  dryRun?: boolean;
}

/** Options of a replace. */
export interface ReplaceOptions {
  /** Refuse (409) when the object's `metadata.resourceVersion` is set and stale (default true). */
  checkResourceVersion?: boolean;
  /** Validate only. */
  dryRun?: boolean;
}

const NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";

function keyOf(ns: string | undefined, name: string): string {
  return ns ? `${ns}/${name}` : name;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The in-memory object store of the simulated cluster. */
export class SimStore {
  #rv = 0;
  #compactedRv = 0;
  #objects = new Map<string, Map<string, KubeObject>>();
  #sorted = new Map<string, KubeObject[]>();
  #history: StoreEvent[] = [];
  #historyLimit: number;
  #subs = new Set<(e: StoreEvent) => void>();
  #now: () => number;

  /** Builds an empty store. */
  constructor(opts: SimStoreOptions = {}) {
    this.#historyLimit = opts.historyLimit ?? 10_000;
    this.#now = opts.now ?? Date.now;
  }

  /** The current (newest) global resourceVersion. */
  get resourceVersion(): number {
    return this.#rv;
  }

  /** The oldest resourceVersion a watch may start from; older ones get 410 Expired. */
  get oldestResourceVersion(): number {
    return this.#compactedRv;
  }

  /** The number of objects of all kinds. */
  get size(): number {
    let n = 0;
    for (const m of this.#objects.values()) n += m.size;
    return n;
  }

  /** Drops the watch history: every watch from an older resourceVersion then gets 410. */
  compact(): void {
    this.#history = [];
    this.#compactedRv = this.#rv;
  }

  /** Calls `fn` after every change; returns the function that unsubscribes. */
  subscribe(fn: (e: StoreEvent) => void): () => void {
    this.#subs.add(fn);
    return () => this.#subs.delete(fn);
  }

  /** Events after `rv` for a resource, or undefined when `rv` is older than the history (410). */
  eventsSince(rv: number, r?: ResourceDescriptor): StoreEvent[] | undefined {
    if (rv < this.#compactedRv) return undefined;
    const out: StoreEvent[] = [];
    // history is sorted by resourceVersion: binary search the first event after rv
    let lo = 0, hi = this.#history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#history[mid].resourceVersion <= rv) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.#history.length; i++) {
      const e = this.#history[i];
      if (!r || e.resource === r) out.push(e);
    }
    return out;
  }

  #bucket(r: ResourceDescriptor): Map<string, KubeObject> {
    const k = qualifiedName(r);
    let m = this.#objects.get(k);
    if (!m) {
      m = new Map();
      this.#objects.set(k, m);
    }
    return m;
  }

  /** All objects of a resource, sorted by namespace and name; only those in `namespace` if given. */
  list(ref: ResourceRef, namespace?: string): readonly KubeObject[] {
    const r = resolveResource(ref);
    const k = qualifiedName(r);
    let all = this.#sorted.get(k);
    if (!all) {
      const m = this.#objects.get(k);
      all = m ? [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map((e) => e[1]) : [];
      this.#sorted.set(k, all);
    }
    if (!namespace || !r.namespaced) return all;
    return all.filter((o) => o.metadata.namespace === namespace);
  }

  /** One object, or undefined. The result is the stored object: do not mutate it. */
  get(ref: ResourceRef, namespace: string | undefined, name: string): KubeObject | undefined {
    const r = resolveResource(ref);
    return this.#objects.get(qualifiedName(r))?.get(
      keyOf(r.namespaced ? namespace : undefined, name),
    );
  }

  #emit(
    type: StoreEvent["type"],
    r: ResourceDescriptor,
    object: KubeObject,
    old: KubeObject | undefined,
  ): void {
    const e: StoreEvent = { type, resource: r, object, resourceVersion: this.#rv };
    if (old) e.old = old;
    this.#history.push(e);
    if (this.#history.length > this.#historyLimit) {
      const drop = this.#history.length - this.#historyLimit;
      this.#compactedRv = this.#history[drop - 1].resourceVersion;
      this.#history.splice(0, drop);
    }
    for (const fn of [...this.#subs]) {
      try {
        fn(e);
      } catch (err) {
        console.error("sim: a store subscriber failed:", err);
      }
    }
  }

  #write(r: ResourceDescriptor, obj: KubeObject, type: StoreEvent["type"]): KubeObject {
    const m = this.#bucket(r);
    const key = keyOf(r.namespaced ? obj.metadata.namespace : undefined, obj.metadata.name);
    const old = m.get(key);
    this.#rv++;
    obj.metadata.resourceVersion = String(this.#rv);
    if (type === "DELETED") m.delete(key);
    else m.set(key, obj);
    this.#sorted.delete(qualifiedName(r));
    this.#emit(type, r, obj, old);
    return obj;
  }

  #fill(r: ResourceDescriptor, obj: KubeObject): KubeObject {
    obj.apiVersion = apiVersionOf(r);
    obj.kind = r.kind;
    const md = obj.metadata;
    if (!r.namespaced) delete md.namespace;
    md.uid ??= crypto.randomUUID();
    md.creationTimestamp ??= new Date(Math.floor(this.#now() / 1000) * 1000).toISOString()
      .replace(".000Z", "Z");
    if (obj.spec !== undefined || md.generation !== undefined) md.generation ??= 1;
    return obj;
  }

  /** Generates a free name from a `generateName` prefix. */
  generateName(r: ResourceDescriptor, namespace: string | undefined, prefix: string): string {
    for (;;) {
      let s = prefix;
      for (let i = 0; i < 5; i++) s += NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)];
      if (!this.get(r, namespace, s)) return s;
    }
  }

  /** Creates an object (409 AlreadyExists when it exists). Returns the stored object. */
  create(ref: ResourceRef, input: KubeObject, opts: { dryRun?: boolean } = {}): KubeObject {
    const r = resolveResource(ref);
    const obj = clone(input);
    obj.metadata ??= { name: "" };
    const md = obj.metadata;
    if (!md.name && md.generateName) md.name = this.generateName(r, md.namespace, md.generateName);
    if (!md.name) throw badRequest("name or generateName is required");
    if (this.get(r, md.namespace, md.name)) throw alreadyExists(r, md.name);
    delete md.resourceVersion;
    delete md.deletionTimestamp;
    md.uid = crypto.randomUUID();
    delete md.creationTimestamp;
    if (obj.spec !== undefined) md.generation = 1;
    this.#fill(r, obj);
    if (opts.dryRun) return obj;
    return this.#write(r, obj, "ADDED");
  }

  /**
   * Replaces an object (404 when missing, 409 on a stale resourceVersion).
   * Keeps uid and creationTimestamp, bumps generation when the spec changed.
   */
  replace(ref: ResourceRef, input: KubeObject, opts: ReplaceOptions = {}): KubeObject {
    const r = resolveResource(ref);
    const md0 = input.metadata;
    const cur = this.get(r, md0.namespace, md0.name);
    if (!cur) throw notFound(r, md0.name);
    if (
      (opts.checkResourceVersion ?? true) && md0.resourceVersion &&
      md0.resourceVersion !== cur.metadata.resourceVersion
    ) throw conflict(r, md0.name);
    if (md0.uid && md0.uid !== cur.metadata.uid) {
      throw conflict(
        r,
        md0.name,
        `Precondition failed: UID in precondition: ${md0.uid}, UID in object meta: ${cur.metadata.uid}`,
      );
    }
    const obj = clone(input);
    const md = obj.metadata;
    md.uid = cur.metadata.uid;
    md.creationTimestamp = cur.metadata.creationTimestamp;
    if (cur.metadata.deletionTimestamp) md.deletionTimestamp = cur.metadata.deletionTimestamp;
    else delete md.deletionTimestamp;
    md.generation = cur.metadata.generation;
    if (!sameJson(cur.spec, obj.spec) && (cur.spec !== undefined || obj.spec !== undefined)) {
      md.generation = (cur.metadata.generation ?? 0) + 1;
    }
    if (md.generation === undefined) delete md.generation;
    this.#fill(r, obj);
    if (opts.dryRun) {
      md.resourceVersion = cur.metadata.resourceVersion;
      return obj;
    }
    if (md.deletionTimestamp && !(md.finalizers?.length)) {
      this.#write(r, obj, "DELETED");
      this.#collect(obj, "Background");
      return obj;
    }
    return this.#write(r, obj, "MODIFIED");
  }

  /**
   * Deletes an object: at once without finalizers (then its dependents are
   * garbage-collected by owner reference), or marks it with a
   * deletionTimestamp while finalizers remain. Returns the object as deleted.
   */
  delete(
    ref: ResourceRef,
    namespace: string | undefined,
    name: string,
    opts: DeleteOptions = {},
  ): KubeObject {
    const r = resolveResource(ref);
    const cur = this.get(r, namespace, name);
    if (!cur) throw notFound(r, name);
    const pre = opts.preconditions ?? {};
    if (pre.uid && pre.uid !== cur.metadata.uid) {
      throw conflict(
        r,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${cur.metadata.uid}`,
      );
    }
    if (pre.resourceVersion && pre.resourceVersion !== cur.metadata.resourceVersion) {
      throw conflict(
        r,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${cur.metadata.resourceVersion}`,
      );
    }
    const obj = clone(cur);
    if (opts.dryRun) return obj;
    if (obj.metadata.finalizers?.length) {
      if (!obj.metadata.deletionTimestamp) {
        obj.metadata.deletionTimestamp = new Date(Math.floor(this.#now() / 1000) * 1000)
          .toISOString().replace(".000Z", "Z");
        (obj.metadata as unknown as Record<string, unknown>).deletionGracePeriodSeconds = 0;
        if (obj.metadata.generation !== undefined) obj.metadata.generation++;
        return this.#write(r, obj, "MODIFIED");
      }
      return obj;
    }
    this.#write(r, obj, "DELETED");
    this.#collect(obj, opts.propagationPolicy ?? "Background");
    return obj;
  }

  /** Garbage collection of the objects owned by a deleted one. */
  #collect(owner: KubeObject, policy: string): void {
    const uid = owner.metadata.uid;
    if (!uid) return;
    for (const [k, m] of this.#objects) {
      for (const o of [...m.values()]) {
        const refs = o.metadata.ownerReferences;
        if (!refs?.some((x) => x.uid === uid)) continue;
        const r = resolveResource(k.split(".")[0]);
        if (policy === "Orphan") {
          const c = clone(o);
          c.metadata.ownerReferences = refs.filter((x) => x.uid !== uid);
          if (!c.metadata.ownerReferences.length) delete c.metadata.ownerReferences;
          this.#write(r, c, "MODIFIED");
        } else if (this.get(r, o.metadata.namespace, o.metadata.name)) {
          this.delete(r, o.metadata.namespace, o.metadata.name, {
            propagationPolicy: "Background",
          });
        }
      }
    }
  }

  /**
   * Stores an object as given, created or replaced, with no checks (for
   * loading scenarios and for tests). Keeps uid, creationTimestamp and
   * generation when present; assigns a new resourceVersion.
   */
  put(input: KubeObject): KubeObject {
    return this.#put(input, true);
  }

  #put(input: KubeObject, copy: boolean): KubeObject {
    const r = resourceOfObject(input);
    if (!r) {
      throw new GroveError(
        `the simulated cluster cannot store ${input.apiVersion}/${input.kind} "${input.metadata?.name}"`,
        {
          hint:
            "give objects an apiVersion and kind of a served resource (see lib/kube/resources.ts)",
        },
      );
    }
    const obj = copy ? clone(input) : input;
    if (!obj.metadata?.name) {
      throw new GroveError(`a ${r.kind} without metadata.name cannot be stored`);
    }
    const exists = this.get(r, obj.metadata.namespace, obj.metadata.name);
    this.#fill(r, obj);
    return this.#write(r, obj, exists ? "MODIFIED" : "ADDED");
  }

  /**
   * Loads many objects at once and starts the watch history after them
   * (older watches get 410). With `adopt`, the objects are stored as they are,
   * not copied (the caller must not change them afterwards).
   */
  load(objects: Iterable<KubeObject>, opts: { adopt?: boolean } = {}): void {
    for (const o of objects) this.#put(o, !opts.adopt);
    this.compact();
  }

  /**
   * Changes an object through `fn` (which gets a copy and may mutate it or
   * return a new one). Generation is bumped when the spec changed. Throws a
   * 404 StatusError when the object does not exist.
   */
  update(
    ref: ResourceRef,
    namespace: string | undefined,
    name: string,
    fn: (obj: KubeObject) => KubeObject | void,
  ): KubeObject {
    const r = resolveResource(ref);
    const cur = this.get(r, namespace, name);
    if (!cur) throw notFound(r, name);
    const copy = clone(cur);
    const next = fn(copy) ?? copy;
    delete next.metadata.resourceVersion;
    return this.replace(r, next, { checkResourceVersion: false });
  }

  /** Removes an object at once (no finalizers, no garbage collection); false when it was absent. */
  remove(ref: ResourceRef, namespace: string | undefined, name: string): boolean {
    const r = resolveResource(ref);
    const cur = this.get(r, namespace, name);
    if (!cur) return false;
    this.#write(r, clone(cur), "DELETED");
    return true;
  }

  /** Every object of every kind (for dumps and tests). */
  all(): KubeObject[] {
    const out: KubeObject[] = [];
    for (const m of this.#objects.values()) out.push(...m.values());
    return out;
  }
}

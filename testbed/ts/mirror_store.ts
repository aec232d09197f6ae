/**
 * A store with the synchronous interface the operator simulation uses
 * (`list`, `get`, `create`, `replace`, `delete`, `subscribe`), backed by a
 * real API server: it lists and watches the operator's resources into
 * memory, and sends every write the operator makes to the server. The server
 * stays the source of truth: each watch event replaces the local copy.
 *
 * What the server owns is never written from here: pod status and
 * `spec.nodeName` (kube-scheduler and the test bed's kubelet set them), and
 * uids (an owner reference to an object created here is rewritten to the
 * server's uid before it is sent, so the garbage collector keeps the child).
 *
 * @module
 */

import { Resources } from "../../lib/kube/resources.ts";
import type { ResourceDescriptor } from "../../lib/kube/resources.ts";
import type { Kube, KubeObject } from "../../lib/kube/types.ts";
import type { StoreEvent } from "../../lib/sim/store.ts";

const R = Resources;

/** The resources the operator simulation reads and writes. */
export const MIRRORED: readonly ResourceDescriptor[] = [
  R.nodes,
  R.podcliquesets,
  R.podcliques,
  R.podcliquescalinggroups,
  R.podgangs,
  R.pods,
];

const NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";

function keyOf(ns: string | undefined, name: string): string {
  return ns ? `${ns}/${name}` : name;
}

/** An RFC 7386 merge patch turning `a` into `b` (undefined when equal). */
export function mergeDiff(a: unknown, b: unknown): unknown {
  if (JSON.stringify(a) === JSON.stringify(b)) return undefined;
  const isObj = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isObj(a) || !isObj(b)) return b === undefined ? null : b;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(a)) if (!(k in b)) out[k] = null;
  for (const [k, v] of Object.entries(b)) {
    const d = mergeDiff(a[k], v);
    if (d !== undefined) out[k] = d;
  }
  return out;
}

/** Errors of forwarded writes (kept for the test bed's report). */
export interface ForwardError {
  op: string;
  resource: string;
  name: string;
  error: string;
}

/** A store mirroring a real API server for the operator simulation. */
export class MirrorStore {
  #objects = new Map<string, Map<string, KubeObject>>();
  #subs = new Set<(e: StoreEvent) => void>();
  #queue: Promise<void> = Promise.resolve();
  #deleted = new Map<string, number>();
  #rv = 0;
  #kube: Kube;
  #abort = new AbortController();
  /** Writes the server refused (other than conflicts and not-found). */
  readonly errors: ForwardError[] = [];
  /** Number of writes sent to the server. */
  forwarded = 0;

  #gangPhases: boolean;

  /**
   * `opts.gangPhases` false: PodGang phases past `Pending` are never written,
   * as with Grove's `kube` scheduler backend (plain kube-scheduler), where
   * only the operator writes a PodGang's status and only `Pending` (the
   * operator simulation otherwise plays the scheduler and writes `Running`).
   */
  constructor(kube: Kube, opts: { gangPhases?: boolean } = {}) {
    this.#kube = kube;
    this.#gangPhases = opts.gangPhases ?? true;
  }

  #bucket(r: ResourceDescriptor): Map<string, KubeObject> {
    let m = this.#objects.get(r.plural);
    if (!m) this.#objects.set(r.plural, m = new Map());
    return m;
  }

  #emit(type: StoreEvent["type"], r: ResourceDescriptor, object: KubeObject, old?: KubeObject) {
    const e: StoreEvent = { type, resource: r, object, resourceVersion: ++this.#rv };
    if (old) e.old = old;
    for (const fn of [...this.#subs]) {
      try {
        fn(e);
      } catch (err) {
        console.error("testbed operator: a subscriber failed:", err);
      }
    }
  }

  /** Lists every mirrored resource, then watches each until {@link stop}. */
  async start(): Promise<void> {
    const lists = await Promise.all(MIRRORED.map((r) => this.#kube.list(r, {})));
    MIRRORED.forEach((r, i) => {
      for (const o of lists[i].items) this.#apply(r, "ADDED", o);
      this.#watch(r, lists[i].resourceVersion);
    });
  }

  async #watch(r: ResourceDescriptor, rv: string): Promise<void> {
    while (!this.#abort.signal.aborted) {
      try {
        for await (
          const ev of this.#kube.watch(r, {
            resourceVersion: rv,
            signal: this.#abort.signal,
            timeoutSeconds: 300,
          })
        ) {
          if (ev.type === "BOOKMARK") rv = ev.resourceVersion;
          else if (ev.type === "RELISTED") {
            const seen = new Set<string>();
            for (const o of (ev as { items: KubeObject[] }).items) {
              seen.add(keyOf(o.metadata.namespace, o.metadata.name));
              this.#apply(r, "MODIFIED", o);
            }
            for (const [k, o] of [...this.#bucket(r)]) {
              if (!seen.has(k)) this.#apply(r, "DELETED", o);
            }
          } else {
            rv = ev.object.metadata.resourceVersion ?? rv;
            this.#apply(r, ev.type, ev.object);
          }
        }
      } catch (err) {
        if (this.#abort.signal.aborted) return;
        console.error(`testbed operator: watch of ${r.plural} failed, retrying: ${err}`);
        await new Promise((res) => setTimeout(res, 500));
        const l = await this.#kube.list(r, {}).catch(() => undefined);
        if (l) {
          for (const o of l.items) this.#apply(r, "MODIFIED", o);
          rv = l.resourceVersion;
        }
      }
    }
  }

  /** A server event: the local copy becomes the server's object. */
  #apply(r: ResourceDescriptor, type: string, o: KubeObject): void {
    const m = this.#bucket(r);
    const k = keyOf(o.metadata.namespace, o.metadata.name);
    const old = m.get(k);
    if (type === "DELETED") {
      if (old && old.metadata.uid === o.metadata.uid) {
        m.delete(k);
        this.#emit("DELETED", r, o, old);
      }
      return;
    }
    // an object deleted here stays deleted, whatever late events say
    const d = this.#deleted.get(`${r.plural}/${o.metadata.uid}`);
    if (d !== undefined) {
      if (Date.now() - d < 120_000) return;
      this.#deleted.delete(`${r.plural}/${o.metadata.uid}`);
    }
    m.set(k, o);
    this.#emit(old ? "MODIFIED" : "ADDED", r, o, old);
  }

  /** Stops the watches (queued writes still run). */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#queue;
  }

  /** Waits until every queued write has been sent. */
  flush(): Promise<void> {
    return this.#queue;
  }

  #send(op: string, r: ResourceDescriptor, name: string, fn: () => Promise<unknown>): void {
    this.#queue = this.#queue.then(async () => {
      this.forwarded++;
      try {
        await fn();
      } catch (err) {
        const code = (err as { status?: number }).status;
        if (code === 409 || code === 404) return;
        this.errors.push({ op, resource: r.plural, name, error: String(err) });
        if (this.errors.length > 200) this.errors.shift();
        console.error(`testbed operator: ${op} ${r.plural}/${name}: ${err}`);
      }
    });
  }

  /** Owner references with the server's uids of the owners. */
  #serverOwners(o: KubeObject): void {
    for (const ref of o.metadata.ownerReferences ?? []) {
      const r = MIRRORED.find((d) => d.kind === ref.kind);
      const owner = r && this.get(r, o.metadata.namespace, ref.name);
      if (owner?.metadata.uid) ref.uid = owner.metadata.uid;
    }
  }

  // ---- the SimStore surface the operator uses --------------------------------

  subscribe(fn: (e: StoreEvent) => void): () => void {
    this.#subs.add(fn);
    return () => this.#subs.delete(fn);
  }

  list(r: ResourceDescriptor, namespace?: string): readonly KubeObject[] {
    const all = [...this.#bucket(r).entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map((e) =>
      e[1]
    );
    return namespace && r.namespaced ? all.filter((o) => o.metadata.namespace === namespace) : all;
  }

  get(r: ResourceDescriptor, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.#bucket(r).get(keyOf(r.namespaced ? namespace : undefined, name));
  }

  generateName(r: ResourceDescriptor, namespace: string | undefined, prefix: string): string {
    for (;;) {
      let s = prefix;
      for (let i = 0; i < 5; i++) s += NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)];
      if (!this.get(r, namespace, s)) return s;
    }
  }

  create(r: ResourceDescriptor, input: KubeObject): KubeObject {
    const obj = structuredClone(input);
    const md = obj.metadata;
    if (!md.name && md.generateName) md.name = this.generateName(r, md.namespace, md.generateName);
    obj.apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
    obj.kind = r.kind;
    md.uid = crypto.randomUUID();
    md.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    const m = this.#bucket(r);
    m.set(keyOf(md.namespace, md.name), obj);
    this.#emit("ADDED", r, obj);
    this.#send("create", r, md.name, async () => {
      const body = structuredClone(obj);
      delete body.metadata.uid;
      delete body.metadata.creationTimestamp;
      delete body.metadata.resourceVersion;
      delete body.metadata.generateName;
      this.#serverOwners(body);
      const status = body.status;
      delete body.status;
      if (r === R.pods) delete body.spec?.nodeName;
      const created = await this.#kube.create(r, body);
      this.#apply(r, "MODIFIED", created);
      if (status && r !== R.pods && r.subresources?.includes("status")) {
        const upd = await this.#kube.patch(r, md.name, { status }, "merge", {
          namespace: md.namespace,
          subresource: "status",
        });
        this.#apply(r, "MODIFIED", upd);
      }
    });
    return obj;
  }

  replace(r: ResourceDescriptor, input: KubeObject): KubeObject {
    const md = input.metadata;
    const k = keyOf(r.namespaced ? md.namespace : undefined, md.name);
    const m = this.#bucket(r);
    const cur = m.get(k);
    if (!cur) throw Object.assign(new Error(`${r.plural} "${md.name}" not found`), { status: 404 });
    const next = structuredClone(input);
    next.metadata.uid = cur.metadata.uid;
    next.metadata.resourceVersion = cur.metadata.resourceVersion;
    if (r === R.pods) {
      // the kubelet and the scheduler own these
      next.status = cur.status;
      if (next.spec && cur.spec) next.spec.nodeName = cur.spec.nodeName;
      if (JSON.stringify(next) === JSON.stringify(cur)) return cur;
    }
    if (r === R.podgangs && !this.#gangPhases && next.status) {
      next.status = { ...next.status, phase: cur.status?.phase ?? "Pending" };
      if (JSON.stringify(next) === JSON.stringify(cur)) return cur;
    }
    m.set(k, next);
    this.#emit("MODIFIED", r, next, cur);
    const meta = (o: KubeObject) => ({
      metadata: {
        labels: o.metadata.labels,
        annotations: o.metadata.annotations,
        finalizers: o.metadata.finalizers?.length ? o.metadata.finalizers : undefined,
      },
      spec: o.spec,
    });
    const main = mergeDiff(meta(cur), meta(next));
    const status = r === R.pods
      ? undefined
      : mergeDiff({ status: cur.status }, { status: next.status });
    const ns = r.namespaced ? md.namespace : undefined;
    if (main !== undefined) {
      this.#send("update", r, md.name, async () => {
        this.#apply(
          r,
          "MODIFIED",
          await this.#kube.patch(r, md.name, main, "merge", { namespace: ns }),
        );
      });
    }
    if (status !== undefined && r.subresources?.includes("status")) {
      this.#send("update-status", r, md.name, async () => {
        this.#apply(
          r,
          "MODIFIED",
          await this.#kube.patch(r, md.name, status, "merge", {
            namespace: ns,
            subresource: "status",
          }),
        );
      });
    }
    return next;
  }

  delete(r: ResourceDescriptor, namespace: string | undefined, name: string): KubeObject {
    const k = keyOf(r.namespaced ? namespace : undefined, name);
    const m = this.#bucket(r);
    const cur = m.get(k);
    if (!cur) throw Object.assign(new Error(`${r.plural} "${name}" not found`), { status: 404 });
    m.delete(k);
    this.#deleted.set(`${r.plural}/${cur.metadata.uid}`, Date.now());
    this.#emit("DELETED", r, cur, cur);
    this.#send("delete", r, name, () =>
      this.#kube.delete(r, name, {
        namespace,
        preconditions: cur.metadata.uid ? { uid: cur.metadata.uid } : undefined,
      }));
    return cur;
  }
}

/**
 * An in-memory `Kube` for unit tests of collect steps and of lib/watch:
 * lists answer from arrays (optionally held until released, to observe
 * concurrency), watches replay events pushed by the test.
 *
 * @module
 */

import type { ResourceDescriptor } from "../../../lib/kube/resources.ts";
import type {
  Kube,
  KubeObject,
  ListOptions,
  ListResult,
  RequestRecord,
  WatchEvent,
  WatchOptions,
} from "../../../lib/kube/types.ts";

/** `metadata.name=x` field selectors and `k=v` / `k` label selectors, as the server applies them. */
function matches(o: KubeObject, opts: ListOptions): boolean {
  const name = /^metadata\.name=(.*)$/.exec(opts.fieldSelector ?? "")?.[1];
  if (name !== undefined && o.metadata.name !== name) return false;
  for (const req of (opts.labelSelector ?? "").split(",").filter((x) => x)) {
    const [k, v] = req.split("=");
    const have = o.metadata.labels?.[k];
    if (have === undefined || (v !== undefined && have !== v)) return false;
  }
  return true;
}

/** One list call the fake saw. */
export interface ListCall {
  plural: string;
  options: ListOptions;
}

/** A fake client; `lists` and `failures` are keyed by resource plural. */
export class FakeKube implements Kube {
  readonly contextName = "fake";
  readonly server = "https://fake.invalid";
  readonly namespace: string;
  readonly requests: RequestRecord[] = [];
  /** Items answered per plural (filtered by namespace only). */
  lists = new Map<string, KubeObject[]>();
  /** Errors thrown per plural. */
  failures = new Map<string, Error>();
  /** List calls, in order. */
  calls: ListCall[] = [];
  /** Lists in flight right now, and the most ever. */
  inFlight = 0;
  maxInFlight = 0;
  /** Watch calls: plural and resourceVersion. */
  watches: { plural: string; resourceVersion?: string }[] = [];
  #queues = new Map<string, { events: WatchEvent<KubeObject>[]; wake?: () => void }>();
  #rv = 100;

  constructor(namespace = "default") {
    this.namespace = namespace;
  }

  async list<T extends KubeObject = KubeObject>(
    r: ResourceDescriptor,
    opts: ListOptions = {},
  ): Promise<ListResult<T>> {
    this.calls.push({ plural: r.plural, options: opts });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((res) => setTimeout(res, 5));
    this.inFlight--;
    const f = this.failures.get(r.plural);
    if (f) throw f;
    const items = (this.lists.get(r.plural) ?? []).filter((o) =>
      (!opts.namespace || o.metadata.namespace === opts.namespace) && matches(o, opts)
    );
    return { items: structuredClone(items) as T[], resourceVersion: String(this.#rv++) };
  }

  /** Pushes a watch event for a plural. */
  emit(plural: string, ev: WatchEvent<KubeObject>): void {
    const q = this.#queue(plural);
    q.events.push(ev);
    q.wake?.();
  }

  /** Makes the watch of a plural fail. */
  failWatch(plural: string, e: Error): void {
    this.emit(plural, { type: "BOOKMARK", resourceVersion: `__fail__` });
    this.#watchErrors.set(plural, e);
  }
  #watchErrors = new Map<string, Error>();

  #queue(plural: string) {
    let q = this.#queues.get(plural);
    if (!q) this.#queues.set(plural, q = { events: [] });
    return q;
  }

  async *watch<T extends KubeObject = KubeObject>(
    r: ResourceDescriptor,
    opts: WatchOptions = {},
  ): AsyncIterable<WatchEvent<T>> {
    this.watches.push({ plural: r.plural, resourceVersion: opts.resourceVersion });
    const q = this.#queue(r.plural);
    while (!opts.signal?.aborted) {
      const ev = q.events.shift();
      if (ev) {
        if (ev.type === "BOOKMARK" && ev.resourceVersion === "__fail__") {
          throw this.#watchErrors.get(r.plural)!;
        }
        yield ev as WatchEvent<T>;
        continue;
      }
      await new Promise<void>((res) => {
        q.wake = res;
        opts.signal?.addEventListener("abort", () => res(), { once: true });
      });
      q.wake = undefined;
    }
  }

  get(): Promise<never> {
    return Promise.reject(new Error("not in the fake"));
  }
  create(): Promise<never> {
    return this.get();
  }
  replace(): Promise<never> {
    return this.get();
  }
  patch(): Promise<never> {
    return this.get();
  }
  delete(): Promise<never> {
    return this.get();
  }
  getScale(): Promise<never> {
    return this.get();
  }
  updateScale(): Promise<never> {
    return this.get();
  }
  logs(): Promise<never> {
    return this.get();
  }
  proxyGet(): Promise<never> {
    return this.get();
  }
  getRaw(): Promise<never> {
    return this.get();
  }
}

/**
 * The dashboard's one data source, shared by every open tab: one list +
 * watch per kind (the TUI's source over `lib/watch`, debounced), the state
 * built once per snapshot and serialized once, then pushed to every
 * subscriber as a server-sent event. Views that need more (topology, set
 * detail, history) are built on request from the same snapshot, cached per
 * snapshot number.
 *
 * @module
 */

import type { Kube } from "../../lib/kube/types.ts";
import {
  type SourceEvent,
  type TuiScope,
  type TuiSnapshot,
  watchTrouble,
  watchTuiObjects,
} from "../tui/source.ts";
import { buildDashboardState, type DashboardState, wireState } from "./state.ts";

/** Options of {@link DashboardHub}. */
export interface HubOptions {
  /** Where to look. */
  scope: TuiScope;
  /** `--read-only`. */
  readOnly: boolean;
  /** Quiet time after a change before a new state, ms (default 150). */
  debounceMs?: number;
  /** The clock (default `Date.now`). */
  now?: () => number;
}

/** A subscriber: receives ready-to-send SSE frames. */
export type Subscriber = (frame: string) => void;

/** Formats one server-sent event. */
export function sseFrame(event: string, data: string, id?: number): string {
  const lines = data.split("\n").map((l) => `data: ${l}`).join("\n");
  return `${id !== undefined ? `id: ${id}\n` : ""}event: ${event}\n${lines}\n\n`;
}

/** Shared list + watch, latest state, subscribers. */
export class DashboardHub {
  readonly #kube: Kube;
  readonly #o: HubOptions;
  readonly #stop = new AbortController();
  readonly #subs = new Set<Subscriber>();
  #snapshot?: TuiSnapshot;
  #stale?: { since: number; reason: string; retryInMs: number };
  #frame = "";
  #state?: DashboardState;
  #pump?: Promise<void>;
  #trouble?: { since: number; reason: string };
  #troubleTimer?: ReturnType<typeof setInterval>;
  #cache = new Map<string, { seq: number; value: unknown }>();
  /** Extra top-level fields merged into every state (action jobs). */
  extras: () => Record<string, unknown> = () => ({});
  /** States built so far (for tests and the bench). */
  builds = 0;

  /** Over a connected client. */
  constructor(kube: Kube, o: HubOptions) {
    this.#kube = kube;
    this.#o = o;
  }

  /** Lists every kind and waits for the first snapshot; its errors are thrown. */
  async start(): Promise<void> {
    const source = watchTuiObjects(this.#kube, this.#o.scope, {
      signal: this.#stop.signal,
      debounceMs: this.#o.debounceMs,
    });
    const first = await source.next();
    if (first.done) return;
    this.#onEvent(first.value);
    // a watch stream reconnecting (seen in the client's request log) makes
    // the data stale at once, before the source gives up and lists again
    this.#troubleTimer = setInterval(() => this.checkWatches(), 1000);
    this.#pump = (async () => {
      try {
        for await (const ev of { [Symbol.asyncIterator]: () => source }) this.#onEvent(ev);
      } catch (e) {
        if (!this.#stop.signal.aborted) {
          this.#onEvent({
            type: "stale",
            since: Date.now(),
            reason: e instanceof Error ? e.message : String(e),
            retryInMs: 0,
          });
        }
      }
    })();
  }

  #onEvent(ev: SourceEvent): void {
    if (ev.type === "snapshot") {
      this.#snapshot = ev.snapshot;
      this.#stale = undefined;
    } else this.#stale = { since: ev.since, reason: ev.reason, retryInMs: ev.retryInMs };
    this.publish();
  }

  /** Marks the data stale while a watch stream reconnects (and fresh again after). */
  checkWatches(): void {
    const reason = watchTrouble(this.#kube.requests.slice(-300));
    if (reason === this.#trouble?.reason) return;
    this.#trouble = reason ? { since: (this.#o.now ?? Date.now)(), reason } : undefined;
    this.publish();
  }

  /** Rebuilds the state from the latest snapshot and pushes it to every tab. */
  publish(): void {
    if (!this.#snapshot) return;
    const now = (this.#o.now ?? Date.now)();
    this.#state = buildDashboardState(this.#snapshot, {
      scope: this.#o.scope,
      cluster: { context: this.#kube.contextName, server: this.#kube.server },
      readOnly: this.#o.readOnly,
      now,
      stale: this.#stale ?? (this.#trouble && { ...this.#trouble, retryInMs: 0 }),
    });
    this.builds++;
    this.#frame = sseFrame(
      "state",
      JSON.stringify({ ...wireState(this.#state), ...this.extras() }),
      this.#snapshot.sequence,
    );
    for (const s of this.#subs) s(this.#frame);
  }

  /** Pushes a frame of another event type to every tab. */
  broadcast(event: string, data: unknown): void {
    const f = sseFrame(event, JSON.stringify(data));
    for (const s of this.#subs) s(f);
  }

  /** The latest snapshot (undefined before `start`). */
  get snapshot(): TuiSnapshot | undefined {
    return this.#snapshot;
  }

  /** The latest state. */
  get state(): DashboardState | undefined {
    return this.#state;
  }

  /** Open event streams. */
  get subscribers(): number {
    return this.#subs.size;
  }

  /** Adds a tab: it receives the latest state at once, then every new one. */
  subscribe(s: Subscriber): () => void {
    this.#subs.add(s);
    if (this.#frame) s(this.#frame);
    return () => this.#subs.delete(s);
  }

  /**
   * A value derived from the current snapshot, computed once per snapshot
   * number and key (topology, set detail, history).
   */
  derived<T>(key: string, build: (snap: TuiSnapshot) => T): T {
    const snap = this.#snapshot;
    if (!snap) throw new Error("no snapshot yet");
    const hit = this.#cache.get(key);
    if (hit && hit.seq === snap.sequence) return hit.value as T;
    const value = build(snap);
    if (this.#cache.size > 64) this.#cache.clear();
    this.#cache.set(key, { seq: snap.sequence, value });
    return value;
  }

  /** Stops the watches and forgets the tabs. */
  async close(): Promise<void> {
    this.#stop.abort();
    clearInterval(this.#troubleTimer);
    this.#subs.clear();
    await this.#pump;
  }
}

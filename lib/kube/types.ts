/**
 * The contract of the Kubernetes client: what every task's `collect` step and
 * every mutating command calls. Implemented by `KubeClient` in `client.ts`.
 *
 * @module
 */

import type { ResourceDescriptor } from "./resources.ts";

/** Minimal object metadata (a subset of `ObjectMeta`). */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: {
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
    controller?: boolean;
    blockOwnerDeletion?: boolean;
  }[];
  finalizers?: string[];
  generateName?: string;
}

/** Any Kubernetes object. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  // deno-lint-ignore no-explicit-any
  spec?: any;
  // deno-lint-ignore no-explicit-any
  status?: any;
  // deno-lint-ignore no-explicit-any
  [key: string]: any;
}

/** Options of a list or watch. */
export interface ListOptions {
  /** Namespace; omitted means all namespaces (for namespaced kinds). */
  namespace?: string;
  /** Label selector, e.g. `app.kubernetes.io/part-of=demo`. */
  labelSelector?: string;
  /** Field selector, e.g. `metadata.name=demo`. */
  fieldSelector?: string;
  /** Page size; the client follows `continue` tokens and returns all items. */
  limit?: number;
}

/** A list answer: all items (pages joined) and the list's resourceVersion. */
export interface ListResult<T> {
  items: T[];
  resourceVersion: string;
}

/** Options of a watch. */
export interface WatchOptions extends ListOptions {
  /** Start after this resourceVersion (from a list). */
  resourceVersion?: string;
  /** Ask for BOOKMARK events (default true). */
  allowBookmarks?: boolean;
  /** Server-side timeout of one watch request, in seconds. */
  timeoutSeconds?: number;
  /** Stops the watch. */
  signal?: AbortSignal;
}

/** One watch event. `RELISTED` is ours: emitted after a 410 forced a relist, carrying the full list. */
export type WatchEvent<T> =
  | { type: "ADDED" | "MODIFIED" | "DELETED"; object: T }
  | { type: "BOOKMARK"; resourceVersion: string }
  | { type: "RELISTED"; items: T[]; resourceVersion: string };

/** Patch content types. */
export type PatchType = "merge" | "json" | "strategic" | "apply";

/** Options shared by writes. */
export interface WriteOptions {
  namespace?: string;
  /** Server-side dry run (`dryRun=All`): validated, not persisted. */
  dryRun?: boolean;
  /** Field manager name; defaults to `kubectl-grove`. */
  fieldManager?: string;
}

/** The `autoscaling/v1` Scale subresource. */
export interface Scale {
  apiVersion: "autoscaling/v1";
  kind: "Scale";
  metadata: ObjectMeta;
  spec: { replicas: number };
  status: { replicas: number; selector?: string };
}

/** Options of a `pods/log` read. */
export interface LogOptions {
  container?: string;
  tailLines?: number;
  sinceSeconds?: number;
  previous?: boolean;
  timestamps?: boolean;
}

/** One request the client made, for `-v` logging and request counting. */
export interface RequestRecord {
  method: string;
  /** Path and query, without the server. */
  path: string;
  status: number;
  ms: number;
}

/** What tasks need from a Kubernetes client. */
export interface Kube {
  /** Name of the kubeconfig context in use (`in-cluster` inside a pod). */
  readonly contextName: string;
  /** API server URL. */
  readonly server: string;
  /** Namespace from flags, config or context (never empty; `default` at worst). */
  readonly namespace: string;
  /** Every request made so far. */
  readonly requests: readonly RequestRecord[];

  list<T extends KubeObject = KubeObject>(
    r: ResourceDescriptor,
    opts?: ListOptions,
  ): Promise<ListResult<T>>;
  get<T extends KubeObject = KubeObject>(
    r: ResourceDescriptor,
    name: string,
    namespace?: string,
  ): Promise<T>;
  create<T extends KubeObject = KubeObject>(
    r: ResourceDescriptor,
    obj: T,
    opts?: WriteOptions,
  ): Promise<T>;
  /** PUT; the object's `metadata.resourceVersion` is the precondition (409 if stale). */
  replace<T extends KubeObject = KubeObject>(
    r: ResourceDescriptor,
    obj: T,
    opts?: WriteOptions,
  ): Promise<T>;
  patch<T extends KubeObject = KubeObject>(
    r: ResourceDescriptor,
    name: string,
    patch: unknown,
    type: PatchType,
    opts?: WriteOptions & { subresource?: string },
  ): Promise<T>;
  delete(
    r: ResourceDescriptor,
    name: string,
    opts?: WriteOptions & { preconditions?: { resourceVersion?: string; uid?: string } },
  ): Promise<void>;
  getScale(r: ResourceDescriptor, name: string, namespace?: string): Promise<Scale>;
  /** PUT the scale; with `resourceVersion` it fails with 409 when the object changed. */
  updateScale(
    r: ResourceDescriptor,
    name: string,
    replicas: number,
    opts?: WriteOptions & { resourceVersion?: string },
  ): Promise<Scale>;
  /** Watch from `resourceVersion`; reconnects on a dropped stream and relists on 410. */
  watch<T extends KubeObject = KubeObject>(
    r: ResourceDescriptor,
    opts?: WatchOptions,
  ): AsyncIterable<WatchEvent<T>>;
  logs(namespace: string, pod: string, opts?: LogOptions): Promise<string>;
  /** GET through the pod proxy: `/api/v1/namespaces/{ns}/pods/{pod}:{port}/proxy{path}`. */
  proxyGet(
    namespace: string,
    pod: string,
    port: number,
    path: string,
    opts?: { timeoutMs?: number; signal?: AbortSignal },
  ): Promise<string>;
  /** A raw GET of an API path, JSON-decoded (discovery, version). */
  getRaw<T = unknown>(path: string): Promise<T>;
}

/**
 * The contract of the Kubernetes client: what every task's `collect` step and
 * every mutating command calls. Implemented by `KubeClient` in `client.ts`.
 *
 * @module
 */

import type { ResourceDescriptor } from "./resources.ts";
import type { FieldMask } from "./list_stream.ts";

export type { FieldMask } from "./list_stream.ts";

/** Minimal object metadata (a subset of `ObjectMeta`). */
export interface ObjectMeta {
  /** Object name. */
  name: string;
  /** Namespace (absent for cluster-scoped objects). */
  namespace?: string;
  /** Unique id set by the server. */
  uid?: string;
  /** Version of the object for optimistic concurrency. */
  resourceVersion?: string;
  /** Spec generation. */
  generation?: number;
  /** RFC 3339 creation time. */
  creationTimestamp?: string;
  /** RFC 3339 time the object was marked for deletion. */
  deletionTimestamp?: string;
  /** Labels. */
  labels?: Record<string, string>;
  /** Annotations. */
  annotations?: Record<string, string>;
  /** Owners (controller first by convention). */
  ownerReferences?: {
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
    controller?: boolean;
    blockOwnerDeletion?: boolean;
  }[];
  /** Finalizers. */
  finalizers?: string[];
  /** Name prefix for server-generated names. */
  generateName?: string;
}

/** Any Kubernetes object. */
export interface KubeObject {
  /** `group/version` or `v1`. */
  apiVersion?: string;
  /** Kind. */
  kind?: string;
  /** Metadata. */
  metadata: ObjectMeta;
  /** Desired state. */
  // deno-lint-ignore no-explicit-any
  spec?: any;
  /** Observed state. */
  // deno-lint-ignore no-explicit-any
  status?: any;
  /** Other top-level fields (data, type, ...). */
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
  /**
   * Client-side projection: keep only these fields of each item, as it is
   * read (lists) or received (watch events). Not sent to the server. A
   * client may ignore it and return whole objects.
   */
  fields?: FieldMask;
}

/** A list answer: all items (pages joined) and the list's resourceVersion. */
export interface ListResult<T> {
  /** All items. */
  items: T[];
  /** The list's resourceVersion, to watch from. */
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
  /** Namespace of the object (defaults to the object's or the client's). */
  namespace?: string;
  /** Server-side dry run (`dryRun=All`): validated, not persisted. */
  dryRun?: boolean;
  /** Field manager name; defaults to `kubectl-grove`. */
  fieldManager?: string;
}

/** The `autoscaling/v1` Scale subresource. */
export interface Scale {
  /** Always `autoscaling/v1`. */
  apiVersion: "autoscaling/v1";
  /** Always `Scale`. */
  kind: "Scale";
  /** Metadata of the scaled object (name, namespace, resourceVersion). */
  metadata: ObjectMeta;
  /** Desired replicas. */
  spec: { replicas: number };
  /** Observed replicas and the pod selector. */
  status: { replicas: number; selector?: string };
}

/** Options of a `pods/log` read. */
export interface LogOptions {
  /** Container name (required when the pod has several). */
  container?: string;
  /** Only the last N lines. */
  tailLines?: number;
  /** Only lines newer than this many seconds. */
  sinceSeconds?: number;
  /** The previous (crashed) container's log. */
  previous?: boolean;
  /** Prefix lines with timestamps. */
  timestamps?: boolean;
}

/** One request the client made, for `-v` logging and request counting. */
export interface RequestRecord {
  /** HTTP method. */
  method: string;
  /** Path and query, without the server. */
  path: string;
  /** HTTP status (0 when no answer came). */
  status: number;
  /** Duration in milliseconds. */
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

  /** Lists objects (all pages), filtered on the server. */
  list<T extends KubeObject = KubeObject>(
    r: ResourceDescriptor,
    opts?: ListOptions,
  ): Promise<ListResult<T>>;
  /** Reads one object; 404 is an ApiError. */
  get<T extends KubeObject = KubeObject>(
    r: ResourceDescriptor,
    name: string,
    namespace?: string,
  ): Promise<T>;
  /** Creates an object. */
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
  /** Patches an object (or a subresource). */
  patch<T extends KubeObject = KubeObject>(
    r: ResourceDescriptor,
    name: string,
    patch: unknown,
    type: PatchType,
    opts?: WriteOptions & { subresource?: string },
  ): Promise<T>;
  /** Deletes an object, with optional preconditions. */
  delete(
    r: ResourceDescriptor,
    name: string,
    opts?: WriteOptions & { preconditions?: { resourceVersion?: string; uid?: string } },
  ): Promise<void>;
  /** Reads the `/scale` subresource. */
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
  /** Reads `pods/log`. */
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
  /**
   * Runs `fn` with the session's abort signal (Ctrl-C) held off: the requests it makes run to
   * completion. For the steps after a write (its read-backs, recording the revision), whose
   * outcome must be known. Optional: clients without a session signal need none.
   */
  shield?<T>(fn: () => Promise<T>): Promise<T>;
}

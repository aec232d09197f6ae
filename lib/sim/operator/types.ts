/**
 * The operator simulation's public types and the state its steps share.
 *
 * @module
 */

import type { SimStore } from "../store.ts";
import type { Scheduler } from "./scheduler.ts";

/** Options of the operator simulation. */
export interface OperatorOptions {
  /** Minimum time between two rolling steps of one PodCliqueSet, ms (default 1000). */
  stepMs?: number;
  /** Time a new pod takes to become Ready, ms (default 2000). */
  readyDelayMs?: number;
  /** Loop interval, ms (default a quarter of the smaller of the two, at least 5). */
  tickMs?: number;
  /** Images (exact or RegExp) whose pods never become Ready (ImagePullBackOff). */
  badImages?: (string | RegExp)[];
  /** The clock (default `Date.now`). */
  now?: () => number;
}

/** One thing the operator did (for tests and progressive-rollout checks). */
export interface OperatorAction {
  /** When (ms). */
  at: number;
  /** What. */
  action:
    | "create-pod"
    | "delete-pod"
    | "pod-ready"
    | "create-clique"
    | "delete-clique"
    | "create-group"
    | "delete-group";
  /** Namespace. */
  namespace: string;
  /** Object name (pods: the clique's name when the pod name is generated later). */
  name: string;
  /** PodCliqueSet. */
  pcs: string;
  /** pod-template-hash, for pods. */
  hash?: string;
}

/** A running operator simulation. */
export interface SimOperator {
  /** Stops the loop and the store subscription. */
  stop(): void;
  /** Runs one pass over every PodCliqueSet that has work now. */
  reconcileNow(): void;
  /** Everything it did, oldest first. */
  readonly actions: readonly OperatorAction[];
}

/** What the operator remembers about one PodCliqueSet. */
export interface PcsState {
  /** Per PodClique: pod template content -> pod-template-hash. */
  hashes: Map<string, Map<string, string>>;
  /** Template content -> generation hash. */
  gens: Map<string, string>;
  lastStepAt: number;
  /** Node freed by a deleted pod, per `<clique>/<index>`. */
  vacated: Map<string, string>;
}

/** The state shared by the steps of one operator simulation. */
export interface OperatorContext {
  store: SimStore;
  now: () => number;
  stepMs: number;
  readyDelayMs: number;
  badImages: (string | RegExp)[];
  /** Per PodCliqueSet key (`<ns>/<name>`). */
  states: Map<string, PcsState>;
  /** Pods waiting to become Ready: key -> ready-at (ms). */
  readyAt: Map<string, number>;
  /** Pods this operator created that no node had room for yet (retried every pass). */
  unplaced: Set<string>;
  scheduler: Scheduler;
  log(a: Omit<OperatorAction, "at">): void;
}

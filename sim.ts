/**
 * The simulated cluster, for testing your own scripts and runbooks without a
 * real Kubernetes cluster: a real HTTPS Kubernetes API server on 127.0.0.1
 * serving a recorded Grove scenario (or a diag bundle), with an optional
 * operator simulation that creates pods, rolls updates and writes status.
 *
 * This is the `./sim` export of the package; the tasks themselves are in the
 * main entry (`mod.ts`). Built-in scenarios (`healthy`, `fragmented`,
 * `aggregated`, `rollout`, `large`) are read from `fixtures/` next to this
 * file, over HTTP when you import it by URL.
 *
 * ```ts
 * import { startSimCluster } from "./sim.ts";
 * import { connect, status } from "./mod.ts";
 *
 * const sim = await startSimCluster({ scenario: "fragmented" });
 * try {
 *   const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
 *   const report = await status(kube, { all: true });
 *   if (report.podCliqueSets.length === 0) throw new Error("no PodCliqueSets");
 * } finally {
 *   await sim.stop();
 * }
 * ```
 *
 * @module
 */

export {
  /**
   * Starts a simulated cluster serving a scenario and writes a kubeconfig for it
   * (contexts `sim` and `sim-readonly`); `stop()` shuts it down and removes the file.
   *
   * @example Start the `fragmented` scenario and read it with a plain client
   * ```ts
   * import assert from "node:assert/strict";
   * import { startSimCluster } from "./sim.ts";
   * import { connect, Resources } from "./mod.ts";
   *
   * const sim = await startSimCluster({ scenario: "fragmented" });
   * try {
   *   const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
   *   const pcs = await kube.list(Resources.podcliquesets);
   *   assert.ok(pcs.items.length > 0);
   *   assert.ok(sim.requestLog.entries.some((e) => e.path.includes("podcliquesets")));
   * } finally {
   *   await sim.stop();
   * }
   * ```
   */
  startSimCluster,
} from "./lib/sim/server.ts";
export type {
  ProxyHandler,
  SimCluster,
  SimClusterOptions,
  SimCompression,
} from "./lib/sim/server.ts";
export {
  /**
   * The operator simulation as a plug-in of {@link startSimCluster}: it
   * creates the pods of new cliques, rolls template changes pod by pod and
   * writes the status of cliques, gangs and sets.
   *
   * @example Delete a pod and watch the operator replace it
   * ```ts
   * import assert from "node:assert/strict";
   * import { simOperator, startSimCluster } from "./sim.ts";
   *
   * const op = simOperator({ stepMs: 10, readyDelayMs: 10 });
   * const sim = await startSimCluster({ scenario: "healthy", operator: op });
   * try {
   *   const pod = sim.store.list("pods").find((p) => p.metadata.labels?.["grove.io/podclique"])!;
   *   sim.store.delete("pods", pod.metadata.namespace, pod.metadata.name);
   *   op.operator!.reconcileNow();
   *   assert.ok(op.operator!.actions.some((a) => a.action === "create-pod"));
   * } finally {
   *   await sim.stop();
   * }
   * ```
   */
  simOperator,
} from "./lib/sim/operator/mod.ts";
export type { OperatorAction, OperatorOptions, SimOperator } from "./lib/sim/operator/mod.ts";
export {
  /**
   * Names of the built-in scenarios found on disk (empty when imported by URL).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { listScenarios } from "./sim.ts";
   *
   * assert.ok(listScenarios().includes("healthy"));
   * ```
   */
  listScenarios,
  /**
   * Loads a scenario by name (from `fixtures/`, over HTTP when imported by
   * URL) or by directory (a diag bundle), timestamps shifted to the present.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { loadScenario } from "./sim.ts";
   *
   * const s = await loadScenario("fragmented", { now: Date.parse("2026-06-01T00:00:00Z") });
   * assert.ok(s.objects.some((o) => o.kind === "PodCliqueSet"));
   * assert.equal(typeof s.meta.recordedAt, "string");
   * ```
   */
  loadScenario,
} from "./lib/sim/fixtures.ts";
export type { LoadScenarioOptions, Scenario, ScenarioMeta } from "./lib/sim/fixtures.ts";
export type {
  DeleteOptions,
  ReplaceOptions,
  SimStore,
  SimStoreOptions,
  StoreEvent,
} from "./lib/sim/store.ts";
export type { RequestLog, RequestLogEntry } from "./lib/sim/request_log.ts";
export type { FaultInjector, SimFaults } from "./lib/sim/faults.ts";
export type { ResourceRef } from "./lib/sim/resolve.ts";

/**
 * kubectl-grove as a library: the tasks the `kubectl grove` plugin runs, with
 * typed options and typed reports, for your own automation. Connect with
 * {@link connect}, then call a task entry point; every report is plain JSON
 * (`apiVersion` + `kind`), the same document `-o json` prints.
 *
 * Import by URL (our deno.json imports map does not apply to you, so every
 * dependency inside is named with a full `npm:` specifier). To test a script
 * without a cluster, start the simulator from the `./sim` entry (`sim.ts`):
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { connect, health, status } from "./mod.ts";
 * import { startSimCluster } from "./sim.ts";
 *
 * const sim = await startSimCluster({ scenario: "fragmented" });
 * try {
 *   const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
 *   const report = await status(kube, { name: "llama-disagg" });
 *   assert.equal(report.podCliqueSets[0].name, "llama-disagg");
 *   assert.equal((await health(kube, {})).healthy, false);
 * } finally {
 *   await sim.stop();
 * }
 * ```
 *
 * @module
 */

// Connecting and the client

export {
  /**
   * Connects to a cluster the way kubectl does: `KUBECONFIG`, `--kubeconfig`,
   * `--context`, the context's namespace, in-cluster config and exec plugins.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { connect } from "./mod.ts";
   * import { startSimCluster } from "./sim.ts";
   *
   * const sim = await startSimCluster({ scenario: "healthy" });
   * try {
   *   const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
   *   assert.equal(kube.contextName, "sim");
   *   assert.equal(kube.namespace, "inference");
   * } finally {
   *   await sim.stop();
   * }
   * ```
   */
  connect,
  type ConnectOptions,
} from "./lib/kube/connect.ts";
export type { KubeClient, KubeClientOptions, WatchReconnectOptions } from "./lib/kube/client.ts";
export type { ClusterInfo, ExecConfig, ResolvedConfig, UserInfo } from "./lib/kube/kubeconfig.ts";
export type { AuthState, Credentials } from "./lib/kube/auth.ts";
export type { BackoffOptions } from "./lib/kube/retry.ts";
export type {
  Kube,
  KubeObject,
  ListOptions,
  ListResult,
  LogOptions,
  ObjectMeta,
  PatchType,
  RequestRecord,
  Scale,
  WatchEvent,
  WatchOptions,
  WriteOptions,
} from "./lib/kube/types.ts";
export type { FieldMask } from "./lib/kube/list_stream.ts";
export { type ResourceDescriptor, type ResourceKey, Resources } from "./lib/kube/resources.ts";
export {
  ApiError,
  type ApiErrorDetails,
  ConfigError,
  ConnectionError,
  ExitCode,
  type ExitCodeValue,
  GroveError,
  type GroveErrorOptions,
  UsageError,
} from "./lib/errors.ts";
export { REPORT_API_VERSION } from "./lib/render/output.ts";
export { VERSION } from "./lib/version.ts";
export type * from "./lib/grove/types.ts";

// Read-only tasks

export {
  /**
   * The status of a PodCliqueSet (or of every one): replicas, update progress,
   * every clique's ready pods against minAvailable, PodGang phases and scores.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { connect, status } from "./mod.ts";
   * import { startSimCluster } from "./sim.ts";
   *
   * const sim = await startSimCluster({ scenario: "healthy" });
   * try {
   *   const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
   *   const report = await status(kube, { name: "qwen-disagg" });
   *   assert.equal(report.kind, "StatusReport");
   *   assert.deepEqual(report.podCliqueSets.map((p) => p.name), ["qwen-disagg"]);
   * } finally {
   *   await sim.stop();
   * }
   * ```
   */
  status,
  type StatusOptions,
} from "./tasks/status/mod.ts";
export {
  /**
   * `status --watch` as an async generator: one report now, then one per change.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { connect, watchStatus } from "./mod.ts";
   * import { startSimCluster } from "./sim.ts";
   *
   * const sim = await startSimCluster({ scenario: "healthy" });
   * try {
   *   const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
   *   const ac = new AbortController();
   *   for await (const report of watchStatus(kube, { name: "qwen-disagg" }, { signal: ac.signal })) {
   *     assert.equal(report.podCliqueSets[0].name, "qwen-disagg");
   *     ac.abort();
   *   }
   * } finally {
   *   await sim.stop();
   * }
   * ```
   */
  watchStatus,
  type WatchStatusOptions,
} from "./tasks/status/watch.ts";
export type { StatusQuery } from "./tasks/status/collect.ts";
export type {
  CliqueStatusInfo,
  ConditionInfo,
  GangStatusInfo,
  LastErrorInfo,
  PcsState,
  PcsStatusInfo,
  ScalingGroupStatusInfo,
  StatusReport,
  StatusScope,
  StatusSummary,
  TerminationInfo,
  UpdateInfo,
} from "./tasks/status/report.ts";

export {
  /**
   * Gang health: each PodGang's cliques against minAvailable, the gang-termination
   * countdowns, and a verdict (`healthy` is false when any gang is degraded).
   *
   * @example A fragmented cluster is not healthy
   * ```ts
   * import assert from "node:assert/strict";
   * import { connect, health } from "./mod.ts";
   * import { startSimCluster } from "./sim.ts";
   *
   * const sim = await startSimCluster({ scenario: "fragmented" });
   * try {
   *   const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
   *   const report = await health(kube, { pcs: "llama-disagg" });
   *   assert.equal(report.healthy, false);
   *   assert.ok(report.summary.unhealthy + report.summary.degraded > 0);
   * } finally {
   *   await sim.stop();
   * }
   * ```
   */
  health,
  type HealthOptions,
} from "./tasks/health/mod.ts";
export {
  /**
   * `health --watch` as an async generator: one report now, then one per change.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { connect, watchHealth } from "./mod.ts";
   * import { startSimCluster } from "./sim.ts";
   *
   * const sim = await startSimCluster({ scenario: "healthy" });
   * try {
   *   const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
   *   const ac = new AbortController();
   *   for await (const report of watchHealth(kube, { pcs: "qwen-disagg" }, { signal: ac.signal })) {
   *     assert.equal(report.healthy, true);
   *     ac.abort();
   *   }
   * } finally {
   *   await sim.stop();
   * }
   * ```
   */
  watchHealth,
  type WatchHealthOptions,
} from "./tasks/health/watch.ts";
export type { CollectHealthOptions } from "./tasks/health/collect.ts";
export type {
  CliqueHealth,
  CliqueVerdict,
  CountdownView,
  GangHealth,
  GangStatus,
  HealthIssue,
  HealthReport,
  HealthReportOptions,
  SetHealth,
} from "./tasks/health/report.ts";

export {
  /**
   * Placement against the cluster's topology: each gang's span over zones, racks
   * and hosts, free GPUs per domain, unscheduled pods and warnings.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { connect, topology } from "./mod.ts";
   * import { startSimCluster } from "./sim.ts";
   *
   * const sim = await startSimCluster({ scenario: "fragmented" });
   * try {
   *   const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
   *   const report = await topology(kube, { pcs: "llama-disagg", cluster: true });
   *   assert.equal(report.kind, "TopologyReport");
   *   assert.ok(report.unscheduledPods.length > 0);
   * } finally {
   *   await sim.stop();
   * }
   * ```
   */
  topology,
  type TopologyOptions,
} from "./tasks/topology/mod.ts";
export {
  /**
   * `topology --watch` as an async generator: one report now, then one per change.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { connect, watchTopology } from "./mod.ts";
   * import { startSimCluster } from "./sim.ts";
   *
   * const sim = await startSimCluster({ scenario: "healthy" });
   * try {
   *   const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
   *   const ac = new AbortController();
   *   for await (const report of watchTopology(kube, { pcs: "qwen-disagg" }, { signal: ac.signal })) {
   *     assert.deepEqual(report.podCliqueSets.map((p) => p.name), ["qwen-disagg"]);
   *     ac.abort();
   *   }
   * } finally {
   *   await sim.stop();
   * }
   * ```
   */
  watchTopology,
  type WatchTopologyOptions,
} from "./tasks/topology/watch.ts";
export type { CollectTopologyOptions } from "./tasks/topology/collect.ts";
export type {
  ClusterCapacity,
  DomainView,
  GangPlacement,
  GangSpan,
  NodeView,
  PcsPlacement,
  PlacementLabel,
  PlacementWarning,
  PodPlacement,
  ResolvedPack,
  SchedulerBindingView,
  TopologyReport,
  TopologyReportOptions,
} from "./tasks/topology/report.ts";
export type { GpuSource } from "./lib/topology/model.ts";
export type { ResourceClaim, ResourceSlice } from "./lib/topology/dra.ts";
export type { Fragmentation } from "./lib/topology/placement.ts";
export type { TopologySource } from "./lib/topology/levels.ts";

export {
  /**
   * Engine metrics of a PodCliqueSet's pods (through the API server's pod proxy):
   * TTFT/TPOT quantiles, throughput and queueing per role.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { connect, metrics } from "./mod.ts";
   * import { startSimCluster } from "./sim.ts";
   *
   * const sim = await startSimCluster({ scenario: "healthy" });
   * try {
   *   const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
   *   const report = await metrics(kube, { pcs: "qwen-disagg", namespace: "inference", windowMs: 0 });
   *   assert.equal(report.kind, "MetricsReport");
   *   assert.ok(report.pods.length > 0);
   * } finally {
   *   await sim.stop();
   * }
   * ```
   */
  metrics,
  type MetricsOptions,
} from "./tasks/metrics/run.ts";
export type { CollectMetricsOptions } from "./tasks/metrics/collect.ts";
export type {
  LatencyMs,
  MetricsReport,
  MetricsSummary,
  PodMetrics,
  RoleMetrics,
  SlaMark,
  ThroughputBasis,
  UnscrapedPod,
} from "./tasks/metrics/report.ts";
export type { StoredPlan } from "./tasks/metrics/plan.ts";
export type { EngineKind } from "./lib/metrics/engines.ts";
export type { RoleClass } from "./tasks/metrics/targets.ts";

export {
  /**
   * Metrics against the stored aiconfigurator plan (or the actuals alone when no
   * plan is stored), with findings and recommendations.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { compare, connect } from "./mod.ts";
   * import { startSimCluster } from "./sim.ts";
   *
   * const sim = await startSimCluster({ scenario: "healthy" });
   * try {
   *   const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
   *   const report = await compare(kube, { pcs: "qwen-disagg", namespace: "inference", windowMs: 0 });
   *   assert.equal(report.kind, "CompareReport");
   *   assert.equal(report.status, "actuals-only");
   * } finally {
   *   await sim.stop();
   * }
   * ```
   */
  compare,
} from "./tasks/compare/run.ts";
export type {
  CompareReport,
  CompareRow,
  Finding,
  Recommendation,
  RowStatus,
} from "./tasks/compare/report.ts";

export {
  /**
   * Collects a diagnostics bundle (objects, events, logs, metrics, redacted) and
   * writes it to `outputDir`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { connect, diag } from "./mod.ts";
   * import { startSimCluster } from "./sim.ts";
   *
   * const sim = await startSimCluster({ scenario: "fragmented" });
   * try {
   *   const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
   *   const dir = await Deno.makeTempDir();
   *   try {
   *     const r = await diag(kube, {
   *       namespace: "inference",
   *       operatorNamespace: "grove-system",
   *       sinceMs: 3_600_000,
   *       outputDir: `${dir}/bundle`,
   *     });
   *     assert.equal(r.path, `${dir}/bundle`);
   *     assert.ok(r.bundle.findings.length > 0);
   *   } finally {
   *     await Deno.remove(dir, { recursive: true });
   *   }
   * } finally {
   *   await sim.stop();
   * }
   * ```
   */
  diag,
  type DiagResult,
  type DiagRunOptions,
} from "./tasks/diag/run.ts";
export type { DiagOptions } from "./tasks/diag/collect.ts";
export type { Bundle, Finding as DiagFinding } from "./tasks/diag/bundle.ts";

// Rollouts

export {
  /**
   * The state of a PodCliqueSet's rolling update: phase, per-role progress, events.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { connect, rolloutStatus } from "./mod.ts";
   * import { startSimCluster } from "./sim.ts";
   *
   * const sim = await startSimCluster({ scenario: "rollout" });
   * try {
   *   const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
   *   const report = await rolloutStatus(kube, { name: "chat-disagg" });
   *   assert.equal(report.phase, "Progressing");
   * } finally {
   *   await sim.stop();
   * }
   * ```
   */
  rolloutStatus,
  type RolloutStatusOptions,
  /**
   * Follows a rollout until it completes, fails, stalls or times out; yields a step
   * per change, the last one with `done` set.
   *
   * @example Wait for the rollout scenario's update to finish
   * ```ts
   * import assert from "node:assert/strict";
   * import { connect, waitForRollout } from "./mod.ts";
   * import { simOperator, startSimCluster } from "./sim.ts";
   *
   * const sim = await startSimCluster({ scenario: "rollout", operator: simOperator({ stepMs: 10, readyDelayMs: 10 }) });
   * try {
   *   const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
   *   let last;
   *   for await (const step of waitForRollout(kube, { name: "chat-disagg", timeoutMs: 30_000, intervalMs: 20 })) {
   *     last = step;
   *   }
   *   assert.equal(last?.done, "complete");
   * } finally {
   *   await sim.stop();
   * }
   * ```
   */
  waitForRollout,
  type WaitOptions,
  type WaitStep,
} from "./tasks/rollout/status.ts";
export type {
  RoleLatency,
  RoleProgress,
  RolloutEvent,
  RolloutPhase,
  RolloutStatusReport,
} from "./tasks/rollout/status_report.ts";
export {
  type DiffReport,
  type HistoryEntry,
  type HistoryReport,
  /**
   * The template difference between a recorded revision and the live one (or another revision).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { connect, rolloutDiff } from "./mod.ts";
   * import { startSimCluster } from "./sim.ts";
   *
   * const sim = await startSimCluster({ scenario: "rollout" });
   * try {
   *   const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
   *   const d = await rolloutDiff(kube, { name: "chat-disagg", revision: 1 });
   *   assert.equal(d.revision, 1);
   *   assert.ok(d.changes.some((c) => c.includes("0.6.0 -> ") && c.includes(":0.6.1")));
   * } finally {
   *   await sim.stop();
   * }
   * ```
   */
  rolloutDiff,
  type RolloutDiffOptions,
  /**
   * The recorded revisions of a PodCliqueSet (ControllerRevisions kubectl-grove wrote).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { connect, rolloutHistory } from "./mod.ts";
   * import { startSimCluster } from "./sim.ts";
   *
   * const sim = await startSimCluster({ scenario: "rollout" });
   * try {
   *   const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
   *   const h = await rolloutHistory(kube, { name: "chat-disagg" });
   *   assert.deepEqual(h.entries.map((e) => e.revision), [1, 2]);
   *   assert.equal(h.currentRevision, 2);
   * } finally {
   *   await sim.stop();
   * }
   * ```
   */
  rolloutHistory,
  type RolloutHistoryOptions,
} from "./tasks/rollout/history.ts";
export {
  /**
   * Rolls a PodCliqueSet back to a recorded revision (default: the previous one).
   *
   * @example Preview going back to revision 1
   * ```ts
   * import assert from "node:assert/strict";
   * import { connect, undo } from "./mod.ts";
   * import { startSimCluster } from "./sim.ts";
   *
   * const sim = await startSimCluster({ scenario: "rollout" });
   * try {
   *   const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
   *   const r = await undo(kube, { name: "chat-disagg", dryRun: true });
   *   assert.equal(r.target, 1);
   *   assert.equal(r.applied, false);
   *   assert.equal(r.skipped, "dry-run");
   *   assert.ok(r.plan.changes.length > 0);
   * } finally {
   *   await sim.stop();
   * }
   * ```
   */
  undo,
  type UndoOptions,
  type UndoResult,
} from "./tasks/rollout/undo.ts";
export {
  /**
   * Pauses a rolling update (Grove has no pause: the strategy becomes OnDelete and
   * the previous one is kept in an annotation for `resume`).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { connect, pause, resume } from "./mod.ts";
   * import { startSimCluster } from "./sim.ts";
   *
   * const sim = await startSimCluster({ scenario: "rollout" });
   * try {
   *   const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
   *   const p = await pause(kube, { name: "chat-disagg" });
   *   assert.equal(p.changed, true);
   *   assert.equal(p.to, "OnDelete");
   *   const r = await resume(kube, { name: "chat-disagg" });
   *   assert.equal(r.to, "RollingRecreate");
   * } finally {
   *   await sim.stop();
   * }
   * ```
   */
  pause,
  type PauseOptions,
  type PauseResult,
  /**
   * Resumes a paused rolling update: restores the strategy `pause` saved.
   *
   * @example Resuming a rollout that is not paused changes nothing
   * ```ts
   * import assert from "node:assert/strict";
   * import { connect, resume } from "./mod.ts";
   * import { startSimCluster } from "./sim.ts";
   *
   * const sim = await startSimCluster({ scenario: "rollout" });
   * try {
   *   const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
   *   const r = await resume(kube, { name: "chat-disagg" });
   *   assert.equal(r.changed, false);
   *   assert.equal(r.skipped, "already");
   * } finally {
   *   await sim.stop();
   * }
   * ```
   */
  resume,
} from "./tasks/rollout/pause.ts";
export type { ChangeResult } from "./lib/change/mod.ts";
export type { PreviousRecord, RevisionInfo } from "./lib/revisions/revision.ts";
export type { FieldChange } from "./lib/revisions/field_changes.ts";

// Changes

export {
  /**
   * Sets a container image in a PodCliqueSet's template (one role or all), records
   * a revision first, and lets the operator roll it out.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { connect, updateImage } from "./mod.ts";
   * import { startSimCluster } from "./sim.ts";
   *
   * const sim = await startSimCluster({ scenario: "healthy" });
   * try {
   *   const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
   *   const r = await updateImage(kube, { name: "qwen-disagg", role: "frontend", image: "frontend:2" });
   *   assert.equal(r.applied, true);
   *   assert.deepEqual(r.plan.targets.map((t) => t.to), ["frontend:2"]);
   *   assert.equal(r.revision, 2);
   * } finally {
   *   await sim.stop();
   * }
   * ```
   */
  updateImage,
  type UpdateImageOptions,
} from "./tasks/update/run.ts";
export type {
  AffectedRole,
  ImageTarget,
  ImageUpdateRequest,
  UpdatePlan,
} from "./tasks/update/plan.ts";
export {
  /**
   * Scales a PodCliqueSet's roles, scaling groups or set replicas, with a
   * placement-aware plan; `dryRun` returns the plan without writing.
   *
   * @example Plan one more prefill pod without writing
   * ```ts
   * import assert from "node:assert/strict";
   * import { connect, scale } from "./mod.ts";
   * import { startSimCluster } from "./sim.ts";
   *
   * const sim = await startSimCluster({ scenario: "healthy" });
   * try {
   *   const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
   *   const r = await scale(kube, {
   *     name: "qwen-disagg",
   *     roles: [{ role: "prefill", replicas: 3 }],
   *     dryRun: true,
   *   });
   *   assert.equal(r.outcome, "dry-run");
   *   assert.equal(r.applied.length, 0);
   * } finally {
   *   await sim.stop();
   * }
   * ```
   */
  scale,
  type ScaleOptions,
  type ScaleResult,
} from "./tasks/scale/mod.ts";
export type {
  DrainResult,
  NewPod,
  PlacementAnalysis,
  PlacementUnit,
  PlannedWrite,
  RoleChange,
  Rounding,
  ScalePlan,
  ScaleRequest,
  Share,
  UnitPlacement,
} from "./tasks/scale/mod.ts";
export {
  /**
   * Restarts a PodCliqueSet's pods in batches that keep every clique at
   * minAvailable; `dryRun` returns the batches.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { connect, restart } from "./mod.ts";
   * import { startSimCluster } from "./sim.ts";
   *
   * const sim = await startSimCluster({ scenario: "healthy" });
   * try {
   *   const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
   *   const r = await restart(kube, { name: "qwen-disagg", role: "prefill", dryRun: true });
   *   assert.equal(r.skipped, "dry-run");
   *   assert.equal(r.plan.total, 2);
   *   assert.equal(r.completedBatches, 0);
   * } finally {
   *   await sim.stop();
   * }
   * ```
   */
  restart,
  type RestartOptions,
  type RestartResult,
} from "./tasks/restart/run.ts";
export type { RestartPlan, RestartPod } from "./tasks/restart/plan.ts";
export {
  type ApplyOptions,
  /**
   * Applies a PodCliqueSet manifest to the live object: a three-way template
   * change recorded as a revision, rolled out by the operator.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Resources, applyPcs, connect, parseManifest } from "./mod.ts";
   * import { startSimCluster } from "./sim.ts";
   *
   * const sim = await startSimCluster({ scenario: "healthy" });
   * try {
   *   const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
   *   const live = await kube.get(Resources.podcliquesets, "qwen-disagg", "inference");
   *   const text = JSON.stringify(live).replaceAll('"replicas":2', '"replicas":2');
   *   const [doc] = parseManifest(text, "qwen-disagg.json");
   *   const r = await applyPcs(kube, { desired: doc.pcs, dryRun: true });
   *   assert.equal(r.plan.name, "qwen-disagg");
   *   assert.equal(r.plan.noChange, true);
   * } finally {
   *   await sim.stop();
   * }
   * ```
   */
  applyPcs,
  type ApplyResult,
} from "./tasks/apply/run.ts";
export {
  type ManifestDoc,
  /**
   * Parses a YAML or JSON manifest into PodCliqueSet documents, with clear errors.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { parseManifest } from "./mod.ts";
   *
   * const docs = parseManifest(
   *   "apiVersion: grove.io/v1alpha1\nkind: PodCliqueSet\nmetadata: {name: demo}\nspec: {replicas: 1, template: {cliques: []}}\n",
   *   "demo.yaml",
   * );
   * assert.equal(docs[0].pcs.metadata.name, "demo");
   * assert.throws(() => parseManifest("kind: Pod\n", "pod.yaml"));
   * ```
   */
  parseManifest,
} from "./tasks/apply/parse.ts";

// Progressive rollouts

export {
  /**
   * Aborts a progressive rollout: puts the replaced pods back on the previous template.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { abortProgressive, connect, startProgressive } from "./mod.ts";
   * import { simOperator, startSimCluster } from "./sim.ts";
   *
   * const sim = await startSimCluster({ scenario: "healthy", operator: simOperator({ stepMs: 10, readyDelayMs: 10 }), synthesizeMetrics: true });
   * try {
   *   const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
   *   await startProgressive(kube, {
   *     name: "qwen-disagg", kind: "canary", image: "vllm:new", role: "prefill", canaryPods: 1, intervalMs: 20, compareWindowMs: 0,
   *   });
   *   const r = await abortProgressive(kube, { name: "qwen-disagg", intervalMs: 20 });
   *   assert.equal(r.outcome, "rolled-back");
   * } finally {
   *   await sim.stop();
   * }
   * ```
   */
  abortProgressive,
  type GroupFigures,
  type ProgressiveCommonOptions,
  type ProgressiveResult,
  /**
   * Promotes a canary (or a stopped rollout): replaces the remaining pods batch by
   * batch, then restores the previous strategy.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { connect, promote, startProgressive } from "./mod.ts";
   * import { simOperator, startSimCluster } from "./sim.ts";
   *
   * const sim = await startSimCluster({ scenario: "healthy", operator: simOperator({ stepMs: 10, readyDelayMs: 10 }), synthesizeMetrics: true });
   * try {
   *   const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
   *   await startProgressive(kube, {
   *     name: "qwen-disagg", kind: "canary", image: "vllm:new", role: "prefill", canaryPods: 1, intervalMs: 20, compareWindowMs: 0,
   *   });
   *   const r = await promote(kube, { name: "qwen-disagg", intervalMs: 20 });
   *   assert.equal(r.outcome, "complete");
   *   assert.equal(r.state, undefined);
   * } finally {
   *   await sim.stop();
   * }
   * ```
   */
  promote,
  /**
   * Continues a progressive rollout from its recorded state: a canary stays at
   * `Canary`, an interrupted run goes on, an interrupted abort finishes.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { connect, resumeProgressive, startProgressive } from "./mod.ts";
   * import { simOperator, startSimCluster } from "./sim.ts";
   *
   * const sim = await startSimCluster({ scenario: "healthy", operator: simOperator({ stepMs: 10, readyDelayMs: 10 }), synthesizeMetrics: true });
   * try {
   *   const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
   *   await startProgressive(kube, {
   *     name: "qwen-disagg", kind: "canary", image: "vllm:new", role: "prefill", canaryPods: 1, intervalMs: 20, compareWindowMs: 0,
   *   });
   *   const r = await resumeProgressive(kube, { name: "qwen-disagg", intervalMs: 20 });
   *   assert.equal(r.outcome, "canary");
   * } finally {
   *   await sim.stop();
   * }
   * ```
   */
  resumeProgressive,
  /**
   * Starts a progressive rollout (canary or batches, with metric gates): the
   * strategy becomes OnDelete and kubectl-grove replaces pods itself.
   *
   * @example A canary of one prefill pod, then promote it
   * ```ts
   * import assert from "node:assert/strict";
   * import { connect, promote, startProgressive } from "./mod.ts";
   * import { simOperator, startSimCluster } from "./sim.ts";
   *
   * const sim = await startSimCluster({ scenario: "healthy", operator: simOperator({ stepMs: 10, readyDelayMs: 10 }), synthesizeMetrics: true });
   * try {
   *   const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
   *   const canary = await startProgressive(kube, {
   *     name: "qwen-disagg",
   *     kind: "canary",
   *     image: "vllm:new",
   *     role: "prefill",
   *     canaryPods: 1,
   *     intervalMs: 20,
   *     compareWindowMs: 0,
   *   });
   *   assert.equal(canary.outcome, "canary");
   *   const done = await promote(kube, { name: "qwen-disagg", intervalMs: 20 });
   *   assert.equal(done.outcome, "complete");
   * } finally {
   *   await sim.stop();
   * }
   * ```
   */
  startProgressive,
  type StartProgressiveOptions,
} from "./tasks/progressive/run.ts";
export type {
  DriverLease,
  GateResult,
  GateSpec,
  ProgressiveKind,
  ProgressivePhase,
  ProgressiveState,
} from "./tasks/progressive/state.ts";
export type { Unit, UnitPod } from "./tasks/progressive/plan.ts";
export type { ScrapeOptions as ProgressiveScrapeOptions } from "./tasks/progressive/io.ts";

// aiconfigurator plans

export {
  /**
   * Parses and validates an aiconfigurator plan (JSON), naming the file and field on errors.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { parsePlan } from "./mod.ts";
   *
   * const plan = parsePlan(JSON.stringify({
   *   model: "m",
   *   system: "h200_sxm",
   *   serving_mode: "agg",
   *   config: { workers: 4, tp: 2 },
   *   expected: { throughput_tokens_per_sec_per_gpu: 1, ttft_ms: 1, tpot_ms: 1 },
   *   sla: { ttft_ms: 1, tpot_ms: 1 },
   * }), "plan.json");
   * assert.equal(plan.serving_mode, "agg");
   * assert.throws(() => parsePlan("{", "bad.json"), /bad\.json/);
   * ```
   */
  parsePlan,
  type Plan,
  type PlanConfig,
} from "./lib/aic/plan.ts";
export {
  /**
   * The stored plan against the deployed PodCliqueSet: workers, parallelism and
   * GPUs per role; `drift` is true when any row differs.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { connect, parsePlan, planDiff, storePlan } from "./mod.ts";
   * import { startSimCluster } from "./sim.ts";
   *
   * const sim = await startSimCluster({ scenario: "healthy" });
   * try {
   *   const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
   *   const plan = parsePlan(JSON.stringify({
   *     model: "Qwen/Qwen3-32B",
   *     system: "h200_sxm",
   *     serving_mode: "disagg",
   *     config: { prefill_workers: 2, decode_workers: 2, prefill_tp: 4, decode_tp: 8 },
   *     expected: { throughput_tokens_per_sec_per_gpu: 500, ttft_ms: 300, tpot_ms: 20 },
   *     sla: { ttft_ms: 500, tpot_ms: 30 },
   *   }), "plan.json");
   *   await storePlan(kube, { pcs: "qwen-disagg", namespace: "inference", plan });
   *   const r = await planDiff(kube, "qwen-disagg", "inference");
   *   assert.equal(r.servingMode, "disagg");
   *   assert.ok(r.rows.length > 0);
   * } finally {
   *   await sim.stop();
   * }
   * ```
   */
  planDiff,
  /**
   * The stored plans of a namespace (all namespaces when undefined).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { connect, parsePlan, planList, storePlan } from "./mod.ts";
   * import { startSimCluster } from "./sim.ts";
   *
   * const sim = await startSimCluster({ scenario: "healthy" });
   * try {
   *   const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
   *   const plan = parsePlan(JSON.stringify({
   *     model: "Qwen/Qwen3-32B",
   *     system: "h200_sxm",
   *     serving_mode: "disagg",
   *     config: { prefill_workers: 2, decode_workers: 2, prefill_tp: 4, decode_tp: 8 },
   *     expected: { throughput_tokens_per_sec_per_gpu: 500, ttft_ms: 300, tpot_ms: 20 },
   *     sla: { ttft_ms: 500, tpot_ms: 30 },
   *   }), "plan.json");
   *   assert.equal((await planList(kube, "inference")).items.length, 0);
   *   await storePlan(kube, { pcs: "qwen-disagg", namespace: "inference", plan });
   *   const r = await planList(kube, "inference");
   *   assert.deepEqual(r.items.map((i) => i.pcs), ["qwen-disagg"]);
   * } finally {
   *   await sim.stop();
   * }
   * ```
   */
  planList,
  /**
   * The stored plan of a PodCliqueSet.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { connect, parsePlan, planShow, storePlan } from "./mod.ts";
   * import { startSimCluster } from "./sim.ts";
   *
   * const sim = await startSimCluster({ scenario: "healthy" });
   * try {
   *   const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
   *   const plan = parsePlan(JSON.stringify({
   *     model: "Qwen/Qwen3-32B",
   *     system: "h200_sxm",
   *     serving_mode: "disagg",
   *     config: { prefill_workers: 2, decode_workers: 2, prefill_tp: 4, decode_tp: 8 },
   *     expected: { throughput_tokens_per_sec_per_gpu: 500, ttft_ms: 300, tpot_ms: 20 },
   *     sla: { ttft_ms: 500, tpot_ms: 30 },
   *   }), "plan.json");
   *   await storePlan(kube, { pcs: "qwen-disagg", namespace: "inference", plan });
   *   const r = await planShow(kube, "qwen-disagg", "inference");
   *   assert.equal(r.plan.model, "Qwen/Qwen3-32B");
   * } finally {
   *   await sim.stop();
   * }
   * ```
   */
  planShow,
} from "./tasks/plan/run.ts";
export type {
  PlanDiffReport,
  PlanListItem,
  PlanListReport,
  PlanShowReport,
} from "./tasks/plan/report.ts";
export {
  /**
   * Stores a plan in the PodCliqueSet's plan ConfigMap (`compare` and `plan diff` read it).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { connect, parsePlan, storePlan } from "./mod.ts";
   * import { startSimCluster } from "./sim.ts";
   *
   * const sim = await startSimCluster({ scenario: "healthy" });
   * try {
   *   const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
   *   const plan = parsePlan(JSON.stringify({
   *     model: "Qwen/Qwen3-32B",
   *     system: "h200_sxm",
   *     serving_mode: "disagg",
   *     config: { prefill_workers: 2, decode_workers: 2, prefill_tp: 4, decode_tp: 8 },
   *     expected: { throughput_tokens_per_sec_per_gpu: 500, ttft_ms: 300, tpot_ms: 20 },
   *     sla: { ttft_ms: 500, tpot_ms: 30 },
   *   }), "plan.json");
   *   const r = await storePlan(kube, { pcs: "qwen-disagg", namespace: "inference", plan });
   *   assert.equal(r.action, "created");
   *   assert.equal(r.pcsExists, true);
   * } finally {
   *   await sim.stop();
   * }
   * ```
   */
  storePlan,
  type StorePlanOptions,
  type StorePlanResult,
} from "./tasks/plan/store.ts";
export type { DriftRow, PlanDiff } from "./lib/aic/drift.ts";
export type { ServingMode } from "./lib/aic/results.ts";

// what to fix first, and several clusters at once

export {
  type FleetRecommendation,
  /**
   * Every finding over the sets in scope, ranked most urgent first (imminent gang
   * terminations, crash loops, pending gangs, SLA breaches, stalled or paused rollouts,
   * unavailable GPUs, low placement, fragmentation), each with evidence and the exact
   * commands to act.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { connect, recommend } from "./mod.ts";
   * import { startSimCluster } from "./sim.ts";
   *
   * const sim = await startSimCluster({ scenario: "fragmented" });
   * try {
   *   const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
   *   const r = await recommend(kube, { namespace: "inference" });
   *   assert.equal(r.kind, "RecommendReport");
   *   assert.equal(r.findings[0].severity, "critical");
   * } finally {
   *   await sim.stop();
   * }
   * ```
   */
  recommend,
  /**
   * {@link recommend} over several kubeconfig contexts at once, each with its own timeout;
   * one ranking across all of them, and the contexts that could not be read.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { recommendFleet } from "./mod.ts";
   * import { startSimCluster } from "./sim.ts";
   *
   * const sim = await startSimCluster({ scenario: "fragmented" });
   * try {
   *   const r = await recommendFleet(["sim", "no-such-context"], {
   *     kubeconfig: sim.kubeconfigPath,
   *     namespace: "inference",
   *     timeoutMs: 5000,
   *   });
   *   assert.equal(r.fleet.items.length, 1);
   *   assert.equal(r.fleet.failures[0].context, "no-such-context");
   *   assert.equal(r.findings[0].context, "sim");
   * } finally {
   *   await sim.stop();
   * }
   * ```
   */
  recommendFleet,
  type RecommendOptions,
} from "./tasks/recommend/mod.ts";
export {
  type ActionCommand,
  type RecommendFinding,
  type RecommendReport,
  type RuleId,
  /** The rules of `recommend`, in ranking order within a severity. */
  RULES,
  type Severity,
} from "./tasks/recommend/report.ts";
export {
  FLEET_TIMEOUT_DEFAULT_MS,
  type FleetFailure,
  type FleetItem,
  type FleetReport,
  /**
   * Runs `read` against every context concurrently, each cluster racing its own timeout; a
   * cluster that fails or times out is named in `failures`, never thrown.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { readFleet, status } from "./mod.ts";
   * import { startSimCluster } from "./sim.ts";
   *
   * const sim = await startSimCluster({ scenario: "healthy" });
   * try {
   *   const f = await readFleet(
   *     ["sim", "gone"],
   *     (kube) => status(kube, { all: true, namespace: "inference" }),
   *     { kubeconfig: sim.kubeconfigPath, timeoutMs: 5000 },
   *   );
   *   assert.equal(f.items[0].context, "sim");
   *   assert.equal(f.failures[0].context, "gone");
   * } finally {
   *   await sim.stop();
   * }
   * ```
   */
  readFleet,
  type ReadFleetOptions,
} from "./lib/kube/fleet.ts";

// replan: the plan again, from the workload the engines really serve
export type {
  ChangeKind,
  LengthStats,
  MoveCommand,
  ObservedWorkload,
  Percentile,
  ReplanInputs,
  ReplanReport,
  RoleCell,
  SlaCheck,
} from "./tasks/replan/mod.ts";
export type { Backend } from "./lib/aic/results.ts";

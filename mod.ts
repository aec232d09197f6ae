/**
 * kubectl-grove as a library: the same tasks the `kubectl grove` plugin
 * runs, with typed inputs and typed results, for your own automation.
 *
 * Import by URL (our deno.json imports map does not apply to you, so every
 * dependency inside is named with a full `npm:` specifier):
 *
 * ```ts
 * import { connect, status } from "https://<host>/kubectl-grove/mod.ts";
 * const kube = await connect({ context: "prod" });
 * const report = await status(kube, { name: "qwen-disagg", namespace: "inference" });
 * console.log(report.summary, report.podCliqueSets[0]?.cliques.length);
 * ```
 *
 * @module
 */

export {
  ApiError,
  type ApiErrorDetails,
  ConfigError,
  ConnectionError,
  ExitCode,
  type ExitCodeValue,
  GroveError,
  type GroveErrorOptions,
  isApiStatus,
  UsageError,
} from "./lib/errors.ts";
export {
  apiVersionOf,
  qualifiedName,
  type ResourceDescriptor,
  type ResourceKey,
  Resources,
} from "./lib/kube/resources.ts";
export type {
  FieldMask,
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
export { connect, type ConnectOptions, describeTarget, resolveConfig } from "./lib/kube/connect.ts";
export {
  KubeClient,
  type KubeClientOptions,
  type WatchReconnectOptions,
} from "./lib/kube/client.ts";
export type { ClusterInfo, ExecConfig, ResolvedConfig, UserInfo } from "./lib/kube/kubeconfig.ts";
export { type AuthState, Credentials } from "./lib/kube/auth.ts";
export type { BackoffOptions } from "./lib/kube/retry.ts";
export {
  CONFIG_KEYS,
  type ConfigKey,
  type GroveConfig,
  loadConfig,
  parseConfig,
} from "./lib/config.ts";
export { PLAIN, type Style } from "./lib/render/style.ts";
export { REPORT_API_VERSION } from "./lib/render/output.ts";
export { VERSION } from "./lib/version.ts";
export {
  type ProxyHandler,
  type SimCluster,
  type SimClusterOptions,
  type SimCompression,
  startSimCluster,
} from "./lib/sim/server.ts";
export {
  type DeleteOptions,
  type ReplaceOptions,
  SimStore,
  type SimStoreOptions,
  type StoreEvent,
} from "./lib/sim/store.ts";
export { RequestLog, type RequestLogEntry } from "./lib/sim/request_log.ts";
export { FaultInjector, type SimFaults } from "./lib/sim/faults.ts";
export {
  loadScenario,
  type LoadScenarioOptions,
  type Scenario,
  type ScenarioMeta,
} from "./lib/sim/fixtures.ts";
export type { ResourceRef } from "./lib/sim/resolve.ts";
export {
  type AicResults,
  type Backend,
  type ModeResult,
  parseResults,
  type ParseResultsOptions,
  readResultsDir,
  type ResultFiles,
  type RolePlan,
  type ServingMode,
  type Sla,
} from "./lib/aic/results.ts";
export {
  buildArgs as aiconfiguratorArgs,
  findExecutable as findAiconfigurator,
  type GenerateInputs,
  readVersion as aiconfiguratorVersion,
  runAiconfigurator,
  type RunOptions as AiconfiguratorRunOptions,
  type RunResult as AiconfiguratorRunResult,
} from "./lib/aic/runner.ts";
export {
  parsePlan,
  type Plan,
  type PlanConfig,
  planConfigMapName,
  planFromResults,
  type PlanFromResultsOptions,
} from "./lib/aic/plan.ts";
export {
  type DeployedRole,
  type DeployedRoleName,
  diffPlan,
  type DriftRow,
  type PlanDiff,
} from "./lib/aic/drift.ts";
export { planDiff, planList, planShow } from "./tasks/plan/run.ts";
export type {
  PlanDiffReport,
  PlanListItem,
  PlanListReport,
  PlanShowReport,
} from "./tasks/plan/report.ts";
export {
  readStoredPlan,
  storePlan,
  type StorePlanOptions,
  type StorePlanResult,
} from "./tasks/plan/store.ts";
export {
  mergePidSeries,
  type MetricFamily,
  type MetricType,
  type ParsedScrape,
  type ParseNote,
  type ParseOptions,
  parsePrometheusText,
  PromParseError,
  type Sample,
} from "./lib/metrics/prom_parser.ts";
export {
  type Bucket,
  bucketQuantile,
  counterDelta,
  counterRate,
  deltaHistogram,
  type Histogram,
  type HistogramDelta,
  histogramMean,
  histogramQuantile,
  histogramsOf,
  mergeHistograms,
} from "./lib/metrics/histogram.ts";
export {
  detectEngineFromScrape,
  type EngineKind,
  type EngineMetricNames,
  ENGINES,
  type EngineSpec,
} from "./lib/metrics/engines.ts";
export {
  synthMetricsHandler,
  type SynthMetricsOptions,
  synthMetricsText,
} from "./lib/sim/metrics_synth.ts";
export type { CollectMetricsOptions } from "./tasks/metrics/collect.ts";
export type { StoredPlan } from "./tasks/metrics/plan.ts";
export type { RoleClass } from "./tasks/metrics/targets.ts";
export { metrics, type MetricsOptions } from "./tasks/metrics/run.ts";
export type {
  LatencyMs,
  MetricsReport,
  MetricsSummary,
  PodMetrics,
  RoleMetrics,
  SlaMark,
} from "./tasks/metrics/report.ts";
export { compare } from "./tasks/compare/run.ts";
export type {
  CompareReport,
  CompareRow,
  Finding,
  Recommendation,
  RowStatus,
} from "./tasks/compare/report.ts";
export {
  type RoleLatency,
  type RoleProgress,
  type RolloutEvent,
  type RolloutPhase,
  type RolloutStatusReport,
} from "./tasks/rollout/status_report.ts";
export {
  rolloutStatus,
  type RolloutStatusOptions,
  waitForRollout,
  type WaitOptions,
  type WaitStep,
} from "./tasks/rollout/status.ts";
export {
  type DiffReport,
  type HistoryEntry,
  type HistoryReport,
  rolloutDiff,
  type RolloutDiffOptions,
  rolloutHistory,
  type RolloutHistoryOptions,
} from "./tasks/rollout/history.ts";
export { undo, type UndoOptions, type UndoResult } from "./tasks/rollout/undo.ts";
export { pause, type PauseOptions, type PauseResult, resume } from "./tasks/rollout/pause.ts";
export type { ChangeResult } from "./tasks/rollout/change.ts";
export { updateImage, type UpdateImageOptions } from "./tasks/update/run.ts";
export type {
  AffectedRole,
  ImageTarget,
  ImageUpdateRequest,
  UpdatePlan,
} from "./tasks/update/plan.ts";
export {
  executeBatches,
  type ExecuteBatchesOptions,
  restart,
  type RestartOptions,
  type RestartResult,
} from "./tasks/restart/run.ts";
export type { RestartPlan, RestartPod } from "./tasks/restart/plan.ts";
export {
  abortProgressive,
  type GroupFigures,
  type ProgressiveCommonOptions,
  type ProgressiveResult,
  promote,
  resumeProgressive,
  startProgressive,
  type StartProgressiveOptions,
} from "./tasks/progressive/run.ts";
export {
  type DriverLease,
  type GateResult,
  type GateSpec,
  type ProgressiveKind,
  type ProgressivePhase,
  type ProgressiveState,
  readState as readProgressiveState,
} from "./tasks/progressive/state.ts";
export type { Unit, UnitPod } from "./tasks/progressive/plan.ts";
export type { ScrapeOptions as ProgressiveScrapeOptions } from "./tasks/progressive/io.ts";
export { type ApplyOptions, applyPcs, type ApplyResult } from "./tasks/apply/run.ts";
export { type ManifestDoc, parseManifest } from "./tasks/apply/parse.ts";
export type { RevisionInfo } from "./lib/revisions/revision.ts";
export type * from "./lib/grove/types.ts";
export type { FieldChange } from "./lib/revisions/field_changes.ts";
export {
  type OperatorAction,
  type OperatorOptions,
  type SimOperator,
  simOperator,
  startOperator,
} from "./lib/sim/operator.ts";

export {
  listWatch,
  type ListWatchOptions,
  ObjectCache,
  objectKey,
  type Snapshot,
  type WatchTarget,
} from "./lib/watch/mod.ts";
export * from "./tasks/status/mod.ts";
export * from "./tasks/topology/mod.ts";
export type { Fragmentation } from "./lib/topology/placement.ts";
export type { TopologySource } from "./lib/topology/levels.ts";
export * from "./tasks/health/mod.ts";
export { diag, type DiagResult, type DiagRunOptions } from "./tasks/diag/run.ts";
export {
  collectDiag,
  type CollectedLog,
  type CollectedScrape,
  type CollectorResult,
  type DiagCollection,
  type DiagOptions,
} from "./tasks/diag/collect.ts";
export {
  buildBundle,
  type Bundle,
  type BundleContext,
  type Finding as DiagFinding,
  findProblems,
} from "./tasks/diag/bundle.ts";
export { redactObject, redactText } from "./tasks/diag/redact.ts";
export * from "./tasks/scale/mod.ts";
export * from "./tasks/tui/mod.ts";

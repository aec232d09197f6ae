/**
 * `dashboard` as a library: start the web dashboard over a connected
 * client, or use its parts (the shared watch hub, the pure state builder,
 * the metrics sampler, the action runner).
 *
 * @module
 */

export { type Dashboard, type DashboardOptions, isLoopback, startDashboard } from "./server.ts";
export { DashboardHub, type HubOptions, sseFrame, type Subscriber } from "./hub.ts";
export {
  type Breach,
  buildDashboardState,
  type DashboardState,
  type EventRow,
  eventRows,
  type Freshness,
  type OverviewRow,
  overviewRows,
  type PodRow,
  podRows,
  type StateContext,
} from "./state.ts";
export {
  type MetricsPoint,
  type MetricsSample,
  MetricsSampler,
  type MetricsSeries,
  type SamplerOptions,
} from "./metrics.ts";
export {
  type ActionJob,
  type ActionName,
  type ActionRequest,
  type ActionResponse,
  ActionRunner,
  ACTIONS,
  type ActionSettings,
  cliCommand,
  parseActionRequest,
} from "./actions.ts";
export { checkToken, newToken, TOKEN_COOKIE, tokenFromRequest } from "./token.ts";

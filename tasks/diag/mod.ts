/**
 * `diag` as a library: collect a secret-free diagnostics bundle (resources,
 * pods, nodes, events, operator logs, optional scrapes), find its problems,
 * write it as a directory or archive, and open one again for replay.
 *
 * @module
 */

export {
  collectDiag,
  type CollectedLog,
  type CollectedScrape,
  type CollectorResult,
  type DiagCollection,
  type DiagOptions,
} from "./collect.ts";
export {
  buildBundle,
  type Bundle,
  type BundleContext,
  type Finding,
  findProblems,
} from "./bundle.ts";
export { type DiagReportOptions, diagReports, type ReportFile } from "./reports.ts";
export { openBundle, type OpenedBundle } from "./open.ts";
export { REDACTED, redactObject, redactText } from "./redact.ts";
export { diag, type DiagResult, type DiagRunOptions } from "./run.ts";

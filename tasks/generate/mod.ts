/**
 * `generate` as a library: the PodCliqueSet manifests and plans of both
 * serving modes from AIConfigurator's results, the typed report of a run,
 * and its text.
 *
 * @module
 */

export {
  buildGenerateReport,
  type GeneratedMode,
  type GeneratedRole,
  type GenerateReport,
  type GenerateReportInput,
} from "./report.ts";
export { renderGenerate } from "./render.ts";
export { generateFromResults } from "./run.ts";

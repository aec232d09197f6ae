/**
 * `compare` as a library: a PodCliqueSet's stored plan against live engine
 * metrics and placement, with findings and the commands that fix them.
 *
 * @module
 */

export {
  buildCompareReport,
  type CompareReport,
  type CompareRow,
  type Finding,
  type Recommendation,
  type RowStatus,
} from "./report.ts";
export { renderCompare } from "./render.ts";
export { compare } from "./run.ts";

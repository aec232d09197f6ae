/**
 * `apply` as a library: parse a PodCliqueSet manifest and apply it through
 * the write pipeline (merged onto the live object, previewed, dry-run on the
 * server, confirmed, written, revision recorded).
 *
 * @module
 */

export { type ManifestDoc, parseManifest } from "./parse.ts";
export { type ApplyOptions, applyPcs, type ApplyResult, mergeForApply } from "./run.ts";

/**
 * Revision history of PodCliqueSets kept by kubectl-grove as ControllerRevisions,
 * template hashing and diffs, pause/resume annotations.
 *
 * @module
 */

export * from "./hash.ts";
export * from "./keys.ts";
export * from "./revision.ts";
export * from "./summary.ts";
export * from "./field_changes.ts";
export * from "./diff.ts";
export * from "./pause.ts";
export * from "./store.ts";

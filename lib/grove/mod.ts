/**
 * Grove domain helpers: object types, label keys and selectors, naming
 * conventions, relations between objects, Go durations and ages.
 *
 * @module
 */

export * from "./types.ts";
export * from "./labels.ts";
export * from "./names.ts";
export * from "./relations.ts";
export * from "./expansion.ts";
export * from "./duration.ts";

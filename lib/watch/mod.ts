/**
 * List+watch with an in-memory cache per kind and debounced snapshots: the
 * engine behind `status --watch`, `topology --watch`, `health --watch` and
 * the TUI. See the "Watching" section of docs/internals.md.
 *
 * @module
 */

export { ObjectCache, objectKey } from "./cache.ts";
export { listWatch, type ListWatchOptions, type Snapshot, type WatchTarget } from "./list_watch.ts";

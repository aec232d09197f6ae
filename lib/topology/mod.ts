/**
 * The pure topology model shared by `topology`, `health` and `scale`:
 * levels, the GPU state of nodes, the domain tree, and placement arithmetic
 * (first-fit decreasing, domains that can host a gang, fragmentation).
 *
 * @module
 */

export * from "./levels.ts";
export * from "./dra.ts";
export * from "./model.ts";
export * from "./placement.ts";

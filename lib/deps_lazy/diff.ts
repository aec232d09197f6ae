/** Lazily loaded: the `diff` library (unified diffs). @module */
export { createTwoFilesPatch, diffLines, structuredPatch } from "npm:diff@9.0.0";

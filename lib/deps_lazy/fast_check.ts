/** Lazily loaded, tests only: `fast-check` (property-based testing). @module */
export { default as fc } from "npm:fast-check@4.10.2";

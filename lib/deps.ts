/**
 * The one place third-party modules used on the start-up path are named.
 * Source files import from here, never by a bare specifier, so that
 * `import ".../mod.ts"` by URL works without our deno.json imports map.
 *
 * Heavy modules live in `lib/deps_lazy/*.ts`, one file each, and are loaded
 * with a literal `await import("../deps_lazy/x.ts")` by the code that needs
 * them, so commands that do not use them pay nothing at start-up.
 *
 * @module
 */

export {
  Command,
  CommanderError,
  InvalidArgumentError,
  Option,
} from "npm:@commander-js/extra-typings@15.1.0";
export type { CommandUnknownOpts } from "npm:@commander-js/extra-typings@15.1.0";
export { dump as yamlDump, load as yamlLoad, loadAll as yamlLoadAll } from "npm:js-yaml@5.5.0";

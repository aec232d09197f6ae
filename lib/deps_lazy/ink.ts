/**
 * Lazily loaded: `ink` and `react`, the terminal UI of `kubectl grove tui`.
 * Loading them costs ~186 ms, so only `tasks/tui/` imports this file, and
 * only through a literal `await import("../../lib/deps_lazy/ink.ts")`.
 * Checked to run under Deno 2.9.6.
 * @module
 */
export {
  Box,
  type Instance as InkInstance,
  type Key as InkKey,
  render as inkRender,
  renderToString as inkRenderToString,
  Text,
  useApp,
  useInput,
} from "npm:ink@8.0.0";
export { default as React } from "npm:react@19.3.1";

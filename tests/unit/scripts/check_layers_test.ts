import { assertEquals } from "../../helpers/assert.ts";
import {
  cycles,
  importsOf,
  layerViolations,
  type LocalImport,
  resolveSpec,
} from "../../../scripts/check_layers.ts";

function edge(from: string, to: string, line = 1, typeOnly = false): LocalImport {
  return { from, to, line, dynamic: false, typeOnly };
}

Deno.test("importsOf finds static, re-export, type and dynamic imports with lines, not comments", () => {
  const src = [
    `import { a } from "./a.ts";`,
    `// import { z } from "./commented.ts";`,
    `/* export * from "./block.ts"; */`,
    `import type { B } from "../b.ts";`,
    `export { c } from "./c.ts";`,
    `export type * from "./d.ts";`,
    `const x = "import { s } from './string.ts'";`,
    `const m = await import("./lazy.ts");`,
    `import "./side.ts";`,
    `import { npm } from "npm:yaml@2";`,
    `import {`,
    `  multi,`,
    `} from "./multi.ts";`,
  ].join("\n");
  assertEquals(importsOf(src), [
    { spec: "./a.ts", line: 1, dynamic: false, typeOnly: false },
    { spec: "../b.ts", line: 4, dynamic: false, typeOnly: true },
    { spec: "./c.ts", line: 5, dynamic: false, typeOnly: false },
    { spec: "./d.ts", line: 6, dynamic: false, typeOnly: true },
    { spec: "./lazy.ts", line: 8, dynamic: true, typeOnly: false },
    { spec: "./side.ts", line: 9, dynamic: false, typeOnly: false },
    { spec: "./multi.ts", line: 13, dynamic: false, typeOnly: false },
  ]);
});

Deno.test("resolveSpec normalises relative paths", () => {
  assertEquals(resolveSpec("tasks/status/run.ts", "../../cli/context.ts"), "cli/context.ts");
  assertEquals(resolveSpec("mod.ts", "./lib/errors.ts"), "lib/errors.ts");
});

Deno.test("layerViolations: lib -> tasks/cli and tasks -> cli fail, the other directions pass", () => {
  const v = layerViolations([
    edge("lib/a.ts", "tasks/t/mod.ts", 3),
    edge("lib/a.ts", "cli/x.ts", 4, true),
    edge("tasks/t/mod.ts", "cli/context.ts", 5),
    edge("tasks/t/mod.ts", "lib/a.ts"),
    edge("cli/run/t.ts", "tasks/t/mod.ts"),
    edge("mod.ts", "tasks/t/mod.ts"),
  ]);
  assertEquals(v.map((x) => x.at), ["lib/a.ts:3", "lib/a.ts:4", "tasks/t/mod.ts:5"]);
  assertEquals(v[2].message, "tasks/ must not import cli/: tasks/t/mod.ts imports cli/context.ts");
});

Deno.test("cycles: reports one path per cycle with each import's line; type-only edges do not count", () => {
  const found = cycles([
    edge("lib/a.ts", "lib/b.ts", 2),
    edge("lib/b.ts", "lib/c.ts", 7),
    edge("lib/c.ts", "lib/a.ts", 9),
    edge("lib/c.ts", "lib/d.ts", 1),
    edge("lib/x.ts", "lib/y.ts", 1),
    edge("lib/y.ts", "lib/x.ts", 1, true),
    edge("lib/s.ts", "lib/s.ts", 4),
  ]);
  assertEquals(found.map((c) => c.message), [
    "import cycle: lib/a.ts -> lib/b.ts -> lib/c.ts -> lib/a.ts",
    "import cycle: lib/s.ts -> lib/s.ts",
  ]);
  assertEquals(found[0].path, ["lib/a.ts:2", "lib/b.ts:7", "lib/c.ts:9"]);
  assertEquals(cycles([edge("a.ts", "b.ts"), edge("b.ts", "c.ts")]), []);
});

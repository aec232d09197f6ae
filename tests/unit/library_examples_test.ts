/**
 * Every function the library exports (`mod.ts`, and the simulator's `sim.ts`)
 * carries an `@example` on its export in that entry file, and the example
 * asserts something. The examples themselves are type-checked by
 * `deno task check` (`deno check --doc`) and run by `deno task test`
 * (`deno test --doc mod.ts sim.ts`).
 */
import { assert, assertEquals } from "../helpers/assert.ts";

const ROOT = new URL("../../", import.meta.url);

async function exportedFunctions(entry: string): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", entry],
    cwd: ROOT.pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
  const doc = JSON.parse(new TextDecoder().decode(out.stdout));
  const names: string[] = [];
  for (const node of Object.values(doc.nodes) as { symbols: unknown[] }[]) {
    for (const s of node.symbols as { name: string; declarations: { kind: string }[] }[]) {
      if (s.declarations.some((d) => d.kind === "function")) names.push(s.name);
    }
  }
  return names.sort();
}

/** JSDoc blocks written on export specifiers (`/** ... *\/ name,`) by name. */
function specifierDocs(src: string): Map<string, string> {
  const docs = new Map<string, string>();
  for (const m of src.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*(\w+),/g)) docs.set(m[2], m[1]);
  return docs;
}

for (const entry of ["mod.ts", "sim.ts"]) {
  Deno.test(`${entry}: every exported function has an example on its export that asserts`, async () => {
    const fns = await exportedFunctions(entry);
    assert(fns.length > 0);
    const docs = specifierDocs(await Deno.readTextFile(new URL(entry, ROOT)));
    const missing = fns.filter((f) => {
      const d = docs.get(f);
      return !d || !/@example/.test(d) || !/```ts/.test(d) || !/\bassert\.\w+\(/.test(d);
    });
    assertEquals(missing, [], `functions without an asserting @example in ${entry}`);
  });
}

Deno.test("mod.ts keeps the simulator and the TUI out of the script writer's entry", async () => {
  const src = await Deno.readTextFile(new URL("mod.ts", ROOT));
  const froms = [...src.matchAll(/from "(\.\/[^"]+)"/g)].map((m) => m[1]);
  assertEquals(froms.filter((f) => f.startsWith("./lib/sim/") || f.startsWith("./tasks/tui/")), []);
});

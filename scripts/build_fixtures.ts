/**
 * Writes the fixture scenarios (`fixtures/<name>/`) from their builders in
 * `lib/sim/scenarios/`. Deterministic: running it twice gives the same files,
 * so the committed output can be inspected and diffed.
 *
 * Usage: `deno run --allow-read --allow-write scripts/build_fixtures.ts [name...]`
 *
 * Metrics scrapes are copied from `fixtures/metrics-samples/` (itself a copy
 * of the project's shared samples), so this script never reads `../shared`.
 *
 * @module
 */

import { yamlDump } from "../lib/deps.ts";
import type { KubeObject } from "../lib/kube/types.ts";
import { resourceForKind } from "../lib/kube/resources.ts";
import type { BuiltScenario } from "../lib/sim/scenarios/types.ts";
import { buildHealthy } from "../lib/sim/scenarios/healthy.ts";
import { buildFragmented } from "../lib/sim/scenarios/fragmented.ts";
import { buildAggregated } from "../lib/sim/scenarios/aggregated.ts";
import { buildRollout } from "../lib/sim/scenarios/rollout.ts";
import { largeMeta } from "../lib/sim/scenarios/large.ts";
import { buildFixtureIndex, FIXTURE_INDEX } from "../lib/sim/fixtures.ts";

const ROOT = new URL("../fixtures/", import.meta.url);
const SAMPLES = new URL("metrics-samples/", ROOT);

const BUILDERS: Record<string, () => BuiltScenario> = {
  healthy: buildHealthy,
  fragmented: buildFragmented,
  aggregated: buildAggregated,
  rollout: buildRollout,
};

/** Order of kinds inside the resources directory listing (files are per kind). */
function fileOf(o: KubeObject): string {
  const r = resourceForKind(o.apiVersion ?? "", o.kind ?? "");
  return `${r ? r.plural : (o.kind ?? "objects").toLowerCase() + "s"}.yaml`;
}

function dumpDocs(objs: KubeObject[]): string {
  return objs
    .map((o) => "---\n" + yamlDump(JSON.parse(JSON.stringify(o)), { lineWidth: -1, noRefs: true }))
    .join("");
}

async function clean(dir: URL): Promise<void> {
  for (const sub of ["resources", "logs", "metrics"]) {
    try {
      await Deno.remove(new URL(sub + "/", dir), { recursive: true });
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
}

async function write(url: URL, text: string): Promise<void> {
  await Deno.mkdir(new URL("./", url), { recursive: true });
  await Deno.writeTextFile(url, text);
}

/**
 * The files of a built scenario, by path relative to its directory: text,
 * or a reference to a metrics sample in `fixtures/metrics-samples/`.
 */
export function renderScenario(s: BuiltScenario): Map<string, string | { sample: string }> {
  const files = new Map<string, string | { sample: string }>();
  files.set("meta.json", JSON.stringify(s.meta, null, 2) + "\n");
  const byFile = new Map<string, KubeObject[]>();
  for (const o of s.objects) {
    const f = fileOf(o);
    byFile.set(f, [...(byFile.get(f) ?? []), o]);
  }
  for (const [f, objs] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
    files.set(`resources/${f}`, dumpDocs(objs));
  }
  for (const [key, text] of [...s.logs].sort(([a], [b]) => a.localeCompare(b))) {
    files.set(`logs/${key}.log`, text);
  }
  for (const [key, scrapes] of [...s.metrics].sort(([a], [b]) => a.localeCompare(b))) {
    scrapes.forEach((sc, i) => files.set(`metrics/${key}/${i + 1}.prom`, sc));
  }
  return files;
}

/** Writes one built scenario to `fixtures/<name>/`; returns the object count. */
export async function writeScenario(name: string, s: BuiltScenario): Promise<number> {
  const dir = new URL(`${name}/`, ROOT);
  await clean(dir);
  for (const [path, content] of renderScenario(s)) {
    const text = typeof content === "string"
      ? content
      : await Deno.readTextFile(new URL(content.sample, SAMPLES));
    await write(new URL(path, dir), text);
  }
  return s.objects.length;
}

/**
 * Writes `fixtures/index.json` (the files of each scenario), which the
 * loader reads when the library is imported by `http(s):` URL.
 */
export async function writeFixtureIndex(): Promise<number> {
  const index = await buildFixtureIndex(decodeURIComponent(ROOT.pathname).replace(/\/$/, ""));
  await Deno.writeTextFile(new URL(FIXTURE_INDEX, ROOT), JSON.stringify(index, null, 2) + "\n");
  return Object.keys(index.scenarios).length;
}

/** The static scenarios and their builders. */
export const SCENARIO_BUILDERS = BUILDERS;

if (import.meta.main) {
  const names = Deno.args.length ? Deno.args : [...Object.keys(BUILDERS), "large"];
  for (const name of names) {
    if (name === "large") {
      const dir = new URL("large/", ROOT);
      await clean(dir);
      await write(new URL("meta.json", dir), JSON.stringify(largeMeta(), null, 2) + "\n");
      console.log("large: meta.json (objects generated at load time)");
      continue;
    }
    const build = BUILDERS[name];
    if (!build) {
      console.error(
        `unknown scenario "${name}"; known: ${Object.keys(BUILDERS).join(", ")}, large`,
      );
      Deno.exit(2);
    }
    const n = await writeScenario(name, build());
    console.log(`${name}: ${n} objects`);
  }
  console.log(`${FIXTURE_INDEX}: ${await writeFixtureIndex()} scenarios`);
}

/**
 * Fills Deno's module cache with every module the code base and its tests can load: each
 * entry point, each test file and each lazily imported module (`lib/deps_lazy/`, the task
 * modules behind `await import()`), with the npm packages they name.
 *
 * `deno task test` runs it first and then runs the suite with `--cached-only`, so the tests
 * themselves never reach the network: the first run downloads (Deno's npm packages, about
 * 40 MB), every later run is offline. Children spawned by tests share the same cache
 * (tests/helpers/spawn.ts).
 *
 *   deno run --allow-read --allow-run --allow-env scripts/prefetch.ts [--list]
 *
 * @module
 */

/** Folders whose .ts/.tsx files are loaded by the CLI, the library, scripts, bench or tests. */
export const SOURCE_DIRS = ["cli", "lib", "tasks", "scripts", "bench", "tests", "dashboard"];
/** Paths never loaded as modules (data, generated goldens, build output, tools). */
export const SKIPPED = [
  /^tests\/golden\//,
  /(^|\/)fixtures\//,
  /(^|\/)node_modules\//,
  /^\.tools\//,
  /^dist\//,
  /(^|\/)testdata\//,
];

/** Every module file of the repository below `root`, relative, sorted. */
export function moduleFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(`${root}/${rel}`)];
    } catch {
      return;
    }
    for (const e of entries) {
      const path = `${rel}/${e.name}`;
      if (SKIPPED.some((re) => re.test(path + (e.isDirectory ? "/" : "")))) continue;
      if (e.isDirectory) walk(path);
      else if (/\.(ts|tsx|mts)$/.test(e.name) && !e.name.endsWith(".d.ts")) out.push(path);
    }
  };
  for (const d of SOURCE_DIRS) walk(d);
  for (const f of ["mod.ts", "sim.ts"]) {
    try {
      if (Deno.statSync(`${root}/${f}`).isFile) out.push(f);
    } catch { /* not in this tree */ }
  }
  return out.sort();
}

if (import.meta.main) {
  const root = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");
  const files = moduleFiles(root);
  if (Deno.args.includes("--list")) {
    console.log(files.join("\n"));
    Deno.exit(0);
  }
  const t0 = performance.now();
  // First with our lockfile (what the tests load), then without it: a run that has no lockfile
  // (`deno install --global`, an import of mod.ts by URL) resolves npm versions from the
  // registry's package documents, which only this second pass puts in the cache.
  for (const lock of [[], ["--no-lock"]]) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["cache", "--quiet", ...lock, ...files],
      cwd: root,
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (!out.success) {
      console.error(
        `prefetch: caching ${files.length} modules${lock.length ? " without the lockfile" : ""} ` +
          `failed (exit ${out.code}); the tests need the npm registry once to fill Deno's cache ` +
          "(see above for the module that failed)",
      );
      Deno.exit(1);
    }
  }
  console.error(
    `prefetch: ${files.length} modules and their dependencies are cached ` +
      `(${Math.round(performance.now() - t0)} ms)`,
  );
}

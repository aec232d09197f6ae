/**
 * DESIGN.md "Import by URL": serve the repository over local HTTP, run
 * `cli/main.ts --help` from that URL and import `mod.ts` from it, with no
 * deno.json in sight, so bare specifiers that only our imports map resolves
 * would fail here. Then a runbook imports `mod.ts` and `sim.ts` by URL,
 * starts a built-in scenario (read over HTTP, not from disk) and calls two
 * task entry points against it.
 */
import { assert, assertEquals, assertMatch } from "../helpers/assert.ts";
import { describeRun, urlRunEnv } from "../helpers/spawn.ts";

const root = new URL("../../", import.meta.url);

function contentType(path: string): string {
  if (path.endsWith(".ts")) return "application/typescript; charset=utf-8";
  if (path.endsWith(".json")) return "application/json";
  return "text/plain; charset=utf-8";
}

async function withRepoServer(fn: (base: string, served: string[]) => Promise<void>) {
  const ac = new AbortController();
  const served: string[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen: () => {} },
    async (req) => {
      const path = decodeURIComponent(new URL(req.url).pathname).replace(/^\/+/, "");
      served.push(path);
      if (path.includes("..")) return new Response("bad path", { status: 400 });
      try {
        const body = await Deno.readFile(new URL(path, root));
        return new Response(body, { headers: { "content-type": contentType(path) } });
      } catch {
        return new Response("not found", { status: 404 });
      }
    },
  );
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`, served);
  } finally {
    ac.abort();
    await server.finished;
  }
}

/**
 * Runs Deno in `cwd` with a private module cache (so the modules served from this test's
 * port do not land in the user's cache) that shares only the npm packages of the runner's
 * cache: nothing is downloaded.
 */
async function denoRun(args: string[], cwd: string) {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    clearEnv: true,
    env: await urlRunEnv(cwd),
  }).output();
  const r = {
    code: out.code,
    signal: out.signal,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
    argv: ["deno", ...args],
  };
  return { ...r, describe: describeRun(r) };
}

Deno.test("cli/main.ts runs by URL and mod.ts imports by URL, without our deno.json", async () => {
  const cwd = await Deno.makeTempDir();
  try {
    await withRepoServer(async (base) => {
      const host = new URL(base).host;
      const help = await denoRun(
        [
          "run",
          "--no-config",
          "--no-lock",
          `--allow-import=${host}`,
          "--allow-env",
          "--allow-read",
          `${base}/cli/main.ts`,
          "--help",
        ],
        cwd,
      );
      assertEquals(help.code, 0, help.describe);
      assertMatch(help.stdout, /Usage: kubectl grove/);

      await Deno.writeTextFile(
        `${cwd}/use_mod.ts`,
        `import * as grove from "${base}/mod.ts";\n` +
          `console.log(JSON.stringify({ version: grove.VERSION, pcs: grove.Resources.podcliquesets.plural, exit: grove.ExitCode.CHECK_FAILED }));\n`,
      );
      const lib = await denoRun(
        [
          "run",
          "--no-config",
          "--no-lock",
          `--allow-import=${host}`,
          "--allow-env",
          "--allow-read",
          `${cwd}/use_mod.ts`,
        ],
        cwd,
      );
      assertEquals(lib.code, 0, lib.describe);
      const out = JSON.parse(lib.stdout);
      assertEquals(out.pcs, "podcliquesets");
      assertEquals(out.exit, 3);
    });
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("by URL: mod.ts and ./sim start a built-in scenario read over HTTP and run two tasks against it", async () => {
  const cwd = await Deno.makeTempDir();
  try {
    await withRepoServer(async (base, served) => {
      const host = new URL(base).host;
      await Deno.writeTextFile(
        `${cwd}/runbook.ts`,
        `import { connect, health, status } from "${base}/mod.ts";\n` +
          `import { startSimCluster } from "${base}/sim.ts";\n` +
          `const sim = await startSimCluster({ scenario: "fragmented" });\n` +
          `try {\n` +
          `  const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });\n` +
          `  const s = await status(kube, { name: "llama-disagg", namespace: "inference" });\n` +
          `  const h = await health(kube, { namespace: "inference" });\n` +
          `  console.log(JSON.stringify({ dir: sim.scenario.dir, pcs: s.podCliqueSets.map((p) => p.name),\n` +
          `    healthy: h.healthy, gangs: h.summary.gangs }));\n` +
          `} finally {\n  await sim.stop();\n}\n`,
      );
      // no --allow-read of the repository: the scenario must come over HTTP
      const run = await denoRun(
        [
          "run",
          "--no-config",
          "--no-lock",
          `--allow-import=${host}`,
          "--allow-net=127.0.0.1",
          `--allow-read=${cwd},${Deno.env.get("TMPDIR") ?? "/tmp"}`,
          `--allow-write=${Deno.env.get("TMPDIR") ?? "/tmp"}`,
          "--allow-env",
          `${cwd}/runbook.ts`,
        ],
        cwd,
      );
      assertEquals(run.code, 0, run.describe);
      const out = JSON.parse(run.stdout);
      assertEquals(out.dir, `${base}/fixtures/fragmented`);
      assertEquals(out.pcs, ["llama-disagg"]);
      assertEquals(out.healthy, false);
      assertEquals(out.gangs, 2);
      assert(served.includes("fixtures/index.json"), "the index was not fetched");
      assert(served.includes("fixtures/fragmented/meta.json"), "meta.json was not fetched");
      assert(served.some((p) => p.startsWith("fixtures/fragmented/resources/")));
    });
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

/**
 * The dashboard run by URL (`deno run https://.../cli/main.ts dashboard`,
 * no deno.json, no lock): the frontend comes from the bundled module, not
 * from files next to the code, so the served script is the committed bundle.
 */
import { assertEquals, assertMatch } from "../helpers/assert.ts";
import { startSimCluster } from "../../lib/sim/server.ts";
import { urlRunEnv } from "../helpers/spawn.ts";
import { ASSETS } from "../../tasks/dashboard/assets.gen.ts";

const root = new URL("../../", import.meta.url);
const opts = { sanitizeResources: false, sanitizeOps: false };

Deno.test("dashboard runs by URL and serves its bundled frontend", opts, async () => {
  const sim = await startSimCluster({ scenario: "fragmented" });
  const cwd = await Deno.makeTempDir();
  const ac = new AbortController();
  const repo = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen: () => {} },
    async (req) => {
      const path = decodeURIComponent(new URL(req.url).pathname).replace(/^\/+/, "");
      if (path.includes("..")) return new Response("bad path", { status: 400 });
      try {
        return new Response(await Deno.readFile(new URL(path, root)), {
          headers: { "content-type": "application/typescript; charset=utf-8" },
        });
      } catch {
        return new Response("not found", { status: 404 });
      }
    },
  );
  const base = `http://127.0.0.1:${repo.addr.port}`;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-config",
      "--no-lock",
      `--allow-import=127.0.0.1:${repo.addr.port}`,
      "--allow-env",
      "--allow-read",
      "--allow-net=127.0.0.1",
      `${base}/cli/main.ts`,
      "--kubeconfig",
      sim.kubeconfigPath,
      "dashboard",
      "-n",
      "inference",
      "--port",
      "0",
    ],
    cwd,
    clearEnv: true,
    env: await urlRunEnv(cwd, { KUBECTL_GROVE_CONFIG: "" }),
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const errText = new Response(child.stderr).text();
  try {
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let out = "";
    let m: RegExpExecArray | null = null;
    while (!(m = /(http:\/\/\S+)\/\?token=([0-9a-f]+)/.exec(out))) {
      const r = await reader.read();
      if (r.done) throw new Error(`no URL; stderr:\n${await errText}`);
      out += r.value;
    }
    reader.releaseLock();
    const res = await fetch(`${m[1]}/app.js`, { headers: { authorization: `Bearer ${m[2]}` } });
    assertEquals(res.status, 200);
    assertEquals(await res.text(), ASSETS["/app.js"].body);
    const state = await fetch(`${m[1]}/api/state`, {
      headers: { authorization: `Bearer ${m[2]}` },
    }).then((r) => r.json());
    assertMatch(
      JSON.stringify(state.overview.map((r: { name: string }) => r.name)),
      /llama-disagg/,
    );
  } finally {
    child.kill("SIGTERM");
    assertEquals((await child.status).code, 0, await errText);
    await child.stdout.cancel().catch(() => {});
    ac.abort();
    await repo.finished;
    await sim.stop();
    await Deno.remove(cwd, { recursive: true });
  }
});

/**
 * Installs kubectl-grove with `deno install` into a temporary root and runs it
 * through kubectl's plugin mechanism (see tests/helpers/tools.ts for a missing kubectl).
 */
import { assert, assertEquals, assertMatch } from "../helpers/assert.ts";
import { startSimCluster } from "../../lib/sim/server.ts";
import { PERMISSION_FLAGS, V8_FLAGS } from "../../scripts/permissions.ts";
import { childEnv } from "../helpers/spawn.ts";
import { toolGate } from "../helpers/tools.ts";

const root = new URL("../../", import.meta.url).pathname;

/** Runs a command with a cleared environment (the runner's module cache, nothing else). */
async function run(cmd: string, args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(cmd, { args, env: childEnv(env), clearEnv: true, cwd: root })
    .output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

const KUBECTL = toolGate("kubectl", "apt-get install -y kubectl, or the release binary");

Deno.test({
  name: "deno install puts kubectl-grove and kubectl_complete-grove on PATH; kubectl grove works",
  ignore: KUBECTL.ignore,
}, async () => {
  KUBECTL.require();
  const dir = await Deno.makeTempDir();
  try {
    for (
      const [name, entry] of [["kubectl-grove", "cli/main.ts"], [
        "kubectl_complete-grove",
        "cli/kubectl_complete.ts",
      ]]
    ) {
      const r = await run(Deno.execPath(), [
        "install",
        "--global",
        "--quiet",
        "--root",
        dir,
        "-n",
        name,
        ...PERMISSION_FLAGS,
        ...V8_FLAGS,
        "--config",
        `${root}deno.json`,
        `${root}${entry}`,
      ]);
      assertEquals(r.code, 0, r.stderr);
    }
    const denoDir = Deno.execPath().replace(/\/[^/]+$/, "");
    const env = { PATH: `${dir}/bin:${denoDir}:${Deno.env.get("PATH")}`, HOME: dir, NO_COLOR: "1" };
    const help = await run("kubectl", ["grove", "--help"], env);
    assertEquals(help.code, 0, help.stderr);
    assertMatch(help.stdout, /Usage: kubectl grove/);
    const list = await run("kubectl", ["plugin", "list"], env);
    assertMatch(list.stdout, /kubectl-grove/);
    // kubectl's own completion reaches our completer through kubectl_complete-grove
    const comp = await run("kubectl", ["__complete", "grove", "vers"], env);
    assertMatch(comp.stdout, /^version/m);
    // and names from the cluster: kubectl grove -n inference status <TAB>
    const sim = await startSimCluster({ scenario: "fragmented" });
    try {
      const simEnv = { ...env, KUBECONFIG: sim.kubeconfigPath };
      const names = await run(
        "kubectl",
        ["__complete", "grove", "-n", "inference", "status", ""],
        simEnv,
      );
      assertEquals(names.stdout.split("\n")[0], "llama-disagg");
      assertMatch(names.stdout, /^:4$/m);
      const roles = await run(
        "kubectl",
        ["__complete", "grove", "-n", "inference", "restart", "llama-disagg", "--role", "pre"],
        simEnv,
      );
      assertEquals(roles.stdout.split("\n")[0], "prefill");
      // the cluster gone: still no error, only the directive
      await sim.stop();
      const none = await run("kubectl", ["__complete", "grove", "status", ""], simEnv);
      assertEquals(none.code, 0);
      assertMatch(none.stdout, /^:4$/m);
      assert(!/error/i.test(none.stdout), none.stdout);
    } finally {
      await sim.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

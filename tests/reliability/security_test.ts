/**
 * Issue 14, security: tokens never reach the terminal (not with -v, not in
 * errors), TLS is verified by default and skipping it is loud.
 */
import { assert, assertEquals, assertMatch } from "../helpers/assert.ts";
import { runCli } from "../helpers/cli.ts";
import { startSimCluster } from "../../lib/sim/server.ts";

async function withKubeconfig(
  mutate: (text: string) => string,
  fn: (path: string, admin: string) => Promise<void>,
) {
  const sim = await startSimCluster({ scenario: "healthy" });
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/config`;
    await Deno.writeTextFile(path, mutate(await Deno.readTextFile(sim.kubeconfigPath)));
    await fn(path, sim.tokens.admin);
  } finally {
    await sim.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("security: -v logs every request but never the bearer token", async () => {
  await withKubeconfig((t) => t, async (path, admin) => {
    const r = await runCli(["-v", "status", "--all"], { env: { KUBECONFIG: path } });
    assertEquals(r.code, 0, r.stderr);
    assertMatch(
      r.stderr,
      /GET \/apis\/grove\.io\/v1alpha1\/namespaces\/inference\/podcliquesets.* 200/,
    );
    assert(!r.stderr.includes(admin) && !r.stdout.includes(admin), "the token was printed");
  });
});

Deno.test("security: a rejected token is named as expired or invalid, and not printed", async () => {
  const planted = "planted-invalid-token-31337";
  await withKubeconfig(
    (t) => t.replace(/token: \S+/, `token: ${planted}`),
    async (path) => {
      for (const argv of [["status", "--all"], ["-v", "health", "--all"]]) {
        const r = await runCli(argv, { env: { KUBECONFIG: path } });
        assertEquals(r.code, 1);
        assertMatch(r.stderr, /401|Unauthorized|credentials/i);
        assert(!r.stderr.includes(planted), `the token was printed: ${r.stderr}`);
        assert(!/^\s+at /m.test(r.stderr) || argv.includes("-v"), "stack trace without -v");
      }
    },
  );
});

Deno.test("security: TLS is verified by default (a wrong CA fails) and skipping it warns loudly", async () => {
  const other = await startSimCluster({ scenario: "healthy" });
  try {
    const otherCa = btoa(other.caCert);
    await withKubeconfig(
      (t) => t.replace(/certificate-authority-data: \S+/, `certificate-authority-data: ${otherCa}`),
      async (path) => {
        const r = await runCli(["status", "--all"], { env: { KUBECONFIG: path } });
        assertEquals(r.code, 1);
        assertMatch(r.stderr, /certificate|TLS/i);
      },
    );
    await withKubeconfig(
      (t) => t.replace(/certificate-authority-data: \S+/, "insecure-skip-tls-verify: true"),
      async (path) => {
        const r = await runCli(["status", "--all"], { env: { KUBECONFIG: path } });
        assertEquals(r.code, 0, r.stderr);
        assertMatch(r.stderr, /insecure|not verified|skip/i);
      },
    );
  } finally {
    await other.stop();
  }
});

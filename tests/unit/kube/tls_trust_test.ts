// Issue 21 item 14: when the kubeconfig names a cluster CA, only that CA is trusted (like
// kubectl). A server whose certificate comes from another CA that the process itself trusts
// (here through DENO_CERT, standing in for a public or system CA) must be refused.
import { assert, assertEquals, assertMatch } from "../../helpers/assert.ts";
import { createSimPki } from "../../../lib/sim/tls.ts";
import { describeRun, runCliProcess } from "../../helpers/spawn.ts";

function kubeconfig(server: string, caPem: string): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: c",
    "  cluster:",
    `    server: ${server}`,
    `    certificate-authority-data: ${btoa(caPem)}`,
    "users:",
    "- name: u",
    "  user:",
    "    token: secret-token",
    "contexts:",
    "- name: x",
    "  context: {cluster: c, user: u, namespace: inference}",
    "current-context: x",
    "",
  ].join("\n");
}

Deno.test("TLS: a server certificate from a CA the kubeconfig does not name is refused", async () => {
  const trustedElsewhere = await createSimPki(); // the server's CA, trusted by the process
  const named = await createSimPki(); // the CA the kubeconfig names
  const seen: string[] = [];
  const ac = new AbortController();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    cert: trustedElsewhere.server.cert,
    key: trustedElsewhere.server.key,
    signal: ac.signal,
    onListen: () => {},
  }, (req) => {
    seen.push(`${req.headers.get("authorization") ?? "-"} ${new URL(req.url).pathname}`);
    return new Response("{}", { status: 404, headers: { "content-type": "application/json" } });
  });
  const dir = await Deno.makeTempDir();
  try {
    const url = `https://127.0.0.1:${server.addr.port}`;
    await Deno.writeTextFile(`${dir}/other-ca.pem`, trustedElsewhere.ca.cert);
    await Deno.writeTextFile(`${dir}/named.yaml`, kubeconfig(url, named.ca.cert));
    await Deno.writeTextFile(`${dir}/right.yaml`, kubeconfig(url, trustedElsewhere.ca.cert));
    const env = { DENO_CERT: `${dir}/other-ca.pem` };

    const refused = await runCliProcess(["--kubeconfig", `${dir}/named.yaml`, "status", "x"], {
      env,
    });
    assertEquals(refused.code, 1, describeRun(refused));
    assertMatch(refused.stderr, /certificate/i, describeRun(refused));
    assert(!/\n\s+at /.test(refused.stderr), `no stack trace:\n${refused.stderr}`);
    assertEquals(
      seen,
      [],
      "no request (and no token) may reach a server the cluster CA does not vouch for",
    );

    // the same server, when the kubeconfig names its CA, is reached
    const reached = await runCliProcess(["--kubeconfig", `${dir}/right.yaml`, "status", "x"], {
      env,
    });
    assert(seen.length > 0, describeRun(reached));
    assert(seen.every((s) => s.startsWith("Bearer secret-token ")), seen.join("\n"));
  } finally {
    ac.abort();
    await server.finished;
    await Deno.remove(dir, { recursive: true });
  }
});

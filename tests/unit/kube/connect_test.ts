import { assert, assertEquals, assertMatch } from "../../helpers/assert.ts";
import https from "node:https";
import { ConfigError, UsageError } from "../../../lib/errors.ts";
import { connect, describeTarget } from "../../../lib/kube/connect.ts";
import { clearExecCredentialCache } from "../../../lib/kube/exec_credential.ts";
import { Resources } from "../../../lib/kube/resources.ts";
import { json, pki, rejects, startServer, tempDir } from "./_helpers.ts";

const emptyList = () => json({ kind: "PodList", items: [], metadata: { resourceVersion: "9" } });

async function writeKubeconfig(
  path: string,
  server: string,
  user: Record<string, unknown>,
  ns?: string,
) {
  const p = await pki();
  await Deno.writeTextFile(
    path,
    [
      "apiVersion: v1",
      "kind: Config",
      "current-context: main",
      "clusters:",
      "- name: c",
      "  cluster:",
      `    server: ${server}`,
      `    certificate-authority-data: ${btoa(p.ca.cert)}`,
      "contexts:",
      "- name: main",
      "  context:",
      "    cluster: c",
      "    user: u",
      ns ? `    namespace: ${ns}` : "",
      "- name: other",
      "  context:",
      "    cluster: c",
      "    user: u",
      "users:",
      "- name: u",
      "  user:",
      ...Object.entries(user).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`),
      "",
    ].join("\n"),
  );
}

Deno.test("connect: kubeconfig file -> working client; namespace precedence flag > context > default", async () => {
  const srv = await startServer(emptyList);
  const { dir, cleanup } = await tempDir();
  try {
    const kc = `${dir}/config`;
    await writeKubeconfig(kc, srv.url, { token: "t0k" }, "ctx-ns");
    const env = { HOME: dir, KUBECONFIG: kc };
    const c = await connect({ env });
    assertEquals([c.contextName, c.server, c.namespace], ["main", srv.url, "ctx-ns"]);
    assertEquals((await c.list(Resources.pods, { namespace: c.namespace })).resourceVersion, "9");
    assertEquals(srv.seen[0].headers.get("authorization"), "Bearer t0k");
    assertEquals(describeTarget(c), `context "main" (server ${srv.url})`);
    c.close();
    const flagged = await connect({ env, namespace: "flag-ns", requestTimeout: "1m" });
    assertEquals(flagged.namespace, "flag-ns");
    assertEquals(flagged.requestTimeoutMs, 60_000);
    flagged.close();
    const other = await connect({ env, context: "other" });
    assertEquals(other.namespace, "default");
    other.close();
  } finally {
    await cleanup();
    await srv.stop();
  }
});

Deno.test("connect: bad --request-timeout is a usage error; bad context is a config error", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const kc = `${dir}/config`;
    await writeKubeconfig(kc, "https://127.0.0.1:1", { token: "x" });
    const e = await rejects(connect({ env: { KUBECONFIG: kc }, requestTimeout: "soon" }));
    assert(e instanceof UsageError);
    assertMatch(e.message, /invalid --request-timeout "soon"/);
    const e2 = await rejects(connect({ env: { KUBECONFIG: kc }, context: "nope" }));
    assert(e2 instanceof ConfigError);
    assertMatch(e2.hint!, /available: main, other/);
  } finally {
    await cleanup();
  }
});

Deno.test("in-cluster: service account token, CA and namespace from an injectable directory", async () => {
  const srv = await startServer(emptyList);
  const { dir, cleanup } = await tempDir();
  try {
    const p = await pki();
    await Deno.mkdir(`${dir}/sa`);
    await Deno.writeTextFile(`${dir}/sa/token`, "sa-token\n");
    await Deno.writeTextFile(`${dir}/sa/ca.crt`, p.ca.cert);
    await Deno.writeTextFile(`${dir}/sa/namespace`, "grove-system");
    const env = {
      HOME: dir,
      KUBERNETES_SERVICE_HOST: "127.0.0.1",
      KUBERNETES_SERVICE_PORT: String(srv.port),
    };
    const c = await connect({ env, serviceAccountDir: `${dir}/sa` });
    assertEquals([c.contextName, c.namespace, c.server], ["in-cluster", "grove-system", srv.url]);
    await c.list(Resources.pods, { namespace: c.namespace });
    assertEquals(srv.seen[0].headers.get("authorization"), "Bearer sa-token");
    assertEquals(srv.seen[0].path, "/api/v1/namespaces/grove-system/pods");
    c.close();
    const c2 = await connect({ env, serviceAccountDir: `${dir}/sa`, namespace: "explicit" });
    assertEquals(c2.namespace, "explicit");
    c2.close();
    // an existing kubeconfig wins over in-cluster
    await writeKubeconfig(`${dir}/kc`, srv.url, { token: "x" });
    const c3 = await connect({
      env: { ...env, KUBECONFIG: `${dir}/kc` },
      serviceAccountDir: `${dir}/sa`,
    });
    assertEquals(c3.contextName, "main");
    c3.close();
  } finally {
    await cleanup();
    await srv.stop();
  }
});

Deno.test("token file is read per client and relative to the kubeconfig", async () => {
  const srv = await startServer(emptyList);
  const { dir, cleanup } = await tempDir();
  try {
    await Deno.writeTextFile(`${dir}/tok`, "from-file\n");
    await writeKubeconfig(`${dir}/config`, srv.url, { tokenFile: "tok" });
    const c = await connect({ env: { KUBECONFIG: `${dir}/config` } });
    await c.list(Resources.pods);
    assertEquals(srv.seen[0].headers.get("authorization"), "Bearer from-file");
    c.close();
  } finally {
    await cleanup();
    await srv.stop();
  }
});

/** An mTLS server (node:https, client certificates required). */
async function mtlsServer(): Promise<{ url: string; cns: string[]; stop: () => void }> {
  const p = await pki();
  const cns: string[] = [];
  const srv = https.createServer(
    {
      cert: p.server.cert,
      key: p.server.key,
      ca: [p.ca.cert],
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => {
      // deno-lint-ignore no-explicit-any
      cns.push((req.socket as any).getPeerCertificate?.()?.subject?.CN);
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ items: [], metadata: { resourceVersion: "1" } }));
    },
  );
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  // deno-lint-ignore no-explicit-any
  const port = (srv.address() as any).port;
  return { url: `https://127.0.0.1:${port}`, cns, stop: () => srv.close() };
}

Deno.test("client certificate authentication (kubeconfig files) against an mTLS server", async () => {
  const srv = await mtlsServer();
  const { dir, cleanup } = await tempDir();
  try {
    const alice = await (await pki()).issueClient("alice", "devs");
    await Deno.writeTextFile(`${dir}/alice.crt`, alice.cert);
    await Deno.writeTextFile(`${dir}/alice.key`, alice.key);
    await writeKubeconfig(`${dir}/config`, srv.url, {
      "client-certificate": "alice.crt",
      "client-key": "alice.key",
    });
    const c = await connect({ env: { KUBECONFIG: `${dir}/config` } });
    await c.list(Resources.pods);
    assertEquals(srv.cns, ["alice"]);
    c.close();
  } finally {
    await cleanup();
    srv.stop();
  }
});

Deno.test({
  name: "client certificate from an exec plugin against an mTLS server",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    clearExecCredentialCache();
    const srv = await mtlsServer();
    const { dir, cleanup } = await tempDir();
    try {
      const bob = await (await pki()).issueClient("bob");
      const cred = JSON.stringify({
        apiVersion: "client.authentication.k8s.io/v1",
        kind: "ExecCredential",
        status: { clientCertificateData: bob.cert, clientKeyData: bob.key },
      });
      await Deno.writeTextFile(`${dir}/cred.json`, cred);
      await Deno.writeTextFile(`${dir}/plugin`, `#!/bin/sh\ncat "${dir}/cred.json"\n`);
      await Deno.chmod(`${dir}/plugin`, 0o755);
      await writeKubeconfig(`${dir}/config`, srv.url, {
        exec: {
          apiVersion: "client.authentication.k8s.io/v1",
          command: "./plugin",
          interactiveMode: "Never",
        },
      });
      const c = await connect({ env: { KUBECONFIG: `${dir}/config` } });
      await c.list(Resources.pods);
      assertEquals(srv.cns, ["bob"]);
      c.close();
    } finally {
      await cleanup();
      srv.stop();
    }
  },
});

import { assert, assertEquals, assertMatch } from "../../helpers/assert.ts";
import { ApiError, ConnectionError, ExitCode } from "../../../lib/errors.ts";
import { Resources } from "../../../lib/kube/resources.ts";
import { clearExecCredentialCache } from "../../../lib/kube/exec_credential.ts";
import { clientFor, configFor, json, rejects, startServer, status } from "./_helpers.ts";

Deno.test("Status answers become ApiError with verb, resource, name, namespace, message, causes", async () => {
  const srv = await startServer((req) => {
    const u = new URL(req.url);
    if (u.pathname.endsWith("/missing")) {
      return status(404, "NotFound", 'podcliquesets.grove.io "missing" not found', {
        name: "missing",
        kind: "podcliquesets",
      });
    }
    if (req.method === "POST") {
      return status(422, "Invalid", 'PodCliqueSet.grove.io "bad" is invalid', {
        name: "bad",
        causes: [{ field: "spec.replicas", message: "must be >= 0", reason: "FieldValueInvalid" }],
      });
    }
    if (req.method === "PUT") return status(409, "Conflict", "the object has been modified");
    return status(403, "Forbidden", 'pods is forbidden: User "ro" cannot list resource "pods"');
  });
  const { client } = await clientFor(srv.url);
  try {
    const nf = await rejects<ApiError>(client.get(Resources.podcliquesets, "missing", "inf"));
    assert(nf instanceof ApiError);
    assertEquals(nf.details.verb, "get");
    assertEquals(nf.details.resource, "podcliquesets.grove.io");
    assertEquals(nf.details.name, "missing");
    assertEquals(nf.details.namespace, "inf");
    assertEquals(nf.message, 'podcliquesets.grove.io "missing" in namespace "inf" not found');
    assertEquals(nf.exitCode, ExitCode.ERROR);

    const inv = await rejects<ApiError>(
      client.create(Resources.podcliquesets, { metadata: { name: "bad" } }),
    );
    assert(inv instanceof ApiError);
    assertEquals(inv.status, 422);
    assertEquals(inv.details.causes, [{
      field: "spec.replicas",
      message: "must be >= 0",
      reason: "FieldValueInvalid",
    }]);
    assertMatch(inv.message, /spec\.replicas: must be >= 0/);

    const conflict = await rejects<ApiError>(
      client.replace(Resources.podcliquesets, { metadata: { name: "x", resourceVersion: "1" } }),
    );
    assertEquals(conflict.reason, "Conflict");
    assertMatch(conflict.message, /changed by someone else/);

    const forbidden = await rejects<ApiError>(client.list(Resources.pods, { namespace: "inf" }));
    assertEquals(forbidden.status, 403);
    assertEquals(forbidden.details.verb, "list");
    assertMatch(forbidden.message, /forbidden: cannot list pods in namespace "inf"/);
    assertMatch(forbidden.message, /User "ro" cannot list/);
    assertMatch(forbidden.hint!, /kubectl auth can-i list pods -n inf/);
  } finally {
    client.close();
    await srv.stop();
  }
});

Deno.test("bad input: Grove CRDs missing (404 page not found on a grove.io list)", async () => {
  const srv = await startServer(() => new Response("404 page not found\n", { status: 404 }));
  const { client } = await clientFor(srv.url);
  try {
    const e = await rejects<ApiError>(client.list(Resources.podcliquesets, { namespace: "inf" }));
    assert(e instanceof ApiError);
    assertMatch(
      e.message,
      /the API server of context "test-ctx" does not serve podcliquesets.grove.io \(grove.io\/v1alpha1\)/,
    );
    assertMatch(
      e.hint!,
      /is the Grove operator installed\? check with: kubectl get crd podcliquesets.grove.io/,
    );
  } finally {
    client.close();
    await srv.stop();
  }
});

Deno.test("bad input: expired token (401) names the context", async () => {
  const srv = await startServer(() => status(401, "Unauthorized", "Unauthorized"));
  const { client } = await clientFor(srv.url);
  try {
    const e = await rejects<ApiError>(client.list(Resources.pods));
    assert(e instanceof ApiError);
    assertEquals(e.status, 401);
    assertMatch(
      e.message,
      /rejected the credentials of context "test-ctx" \(401 Unauthorized\): the token is expired or invalid/,
    );
    assertMatch(e.hint!, /log in again/);
    assertEquals(srv.seen.length, 1); // a static token is not retried
  } finally {
    client.close();
    await srv.stop();
  }
});

Deno.test({
  name: "a 401 with an exec plugin refreshes the credential once and retries",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    clearExecCredentialCache();
    const dir = await Deno.makeTempDir();
    const plugin = `${dir}/plugin`;
    await Deno.writeTextFile(
      plugin,
      `#!/bin/sh\nn=$(cat "${dir}/n" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "${dir}/n"\n` +
        `echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"tok-'$n'"}}'\n`,
    );
    await Deno.chmod(plugin, 0o755);
    const srv = await startServer((req) =>
      req.headers.get("authorization") === "Bearer tok-2"
        ? json({ items: [], metadata: { resourceVersion: "1" } })
        : status(401, "Unauthorized", "Unauthorized")
    );
    const config = await configFor(srv.url, {
      user: {
        exec: {
          apiVersion: "client.authentication.k8s.io/v1",
          command: plugin,
          args: [],
          env: [],
          interactiveMode: "Never",
          provideClusterInfo: false,
          userName: "dev",
        },
      },
    });
    const { client } = await clientFor(srv.url, { config });
    try {
      await client.list(Resources.pods);
      assertEquals(srv.seen.map((s) => s.headers.get("authorization")), [
        "Bearer tok-1",
        "Bearer tok-2",
      ]);
    } finally {
      client.close();
      await srv.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("bad input: unreachable server (connection refused) names context, server and next step", async () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const { client } = await clientFor(`https://127.0.0.1:${port}`);
  try {
    const e = await rejects<ConnectionError>(client.list(Resources.pods));
    assert(e instanceof ConnectionError, String(e));
    assertEquals(
      e.message,
      `cannot reach the API server https://127.0.0.1:${port} of context "test-ctx": connection refused`,
    );
    assertMatch(e.hint!, /is the cluster up/);
    assertEquals(client.requests.length, 1); // refused is not retried
  } finally {
    client.close();
  }
});

Deno.test("bad input: TLS failure with a wrong CA points at certificate-authority", async () => {
  const srv = await startServer(() => json({}));
  const { createSimPki } = await import("../../../lib/sim/tls.ts");
  const other = await createSimPki();
  const config = await configFor(srv.url, {
    cluster: {
      server: srv.url,
      caCerts: [other.ca.cert],
      caSource: "/etc/old-ca.crt",
      insecureSkipTlsVerify: false,
    },
  });
  const { client } = await clientFor(srv.url, { config });
  try {
    const e = await rejects<ConnectionError>(client.list(Resources.pods));
    assert(e instanceof ConnectionError, String(e));
    assertMatch(
      e.message,
      /^TLS failure talking to the API server https:\/\/127\.0\.0\.1:\d+ of context "test-ctx"/,
    );
    assertMatch(e.hint!, /certificate-authority \/etc\/old-ca.crt/);
  } finally {
    client.close();
    await srv.stop();
  }
});

Deno.test("insecure-skip-tls-verify works without a CA and prints a loud warning", async () => {
  const srv = await startServer(() => json({ items: [], metadata: { resourceVersion: "3" } }));
  const config = await configFor(srv.url, {
    cluster: { server: srv.url, insecureSkipTlsVerify: true },
  });
  const { client, stderr } = await clientFor(srv.url, { config });
  try {
    assertMatch(
      stderr.join("\n"),
      /^WARNING: TLS certificate verification is DISABLED for cluster "test-cluster"/,
    );
    const r = await client.list(Resources.pods);
    assertEquals(r.resourceVersion, "3");
    assertEquals(srv.seen[0].headers.get("authorization"), "Bearer secret-token-123");
  } finally {
    client.close();
    await srv.stop();
  }
});

Deno.test("tls-server-name: verified against the given name, not the URL's host", async () => {
  const srv = await startServer(() => json({ items: [], metadata: { resourceVersion: "4" } }));
  const base = await configFor(srv.url);
  const good = await clientFor(srv.url, {
    config: { ...base, cluster: { ...base.cluster, tlsServerName: "localhost" } },
  });
  const bad = await clientFor(srv.url, {
    config: { ...base, cluster: { ...base.cluster, tlsServerName: "wrong.example" } },
  });
  try {
    assertEquals((await good.client.list(Resources.pods)).resourceVersion, "4");
    const e = await rejects<ConnectionError>(bad.client.list(Resources.pods));
    assert(e instanceof ConnectionError, String(e));
    assertMatch(e.message, /TLS failure/);
  } finally {
    good.client.close();
    bad.client.close();
    await srv.stop();
  }
});

Deno.test("basic auth and impersonation headers", async () => {
  const srv = await startServer(() => json({ items: [], metadata: { resourceVersion: "1" } }));
  const config = await configFor(srv.url, {
    user: { username: "admin", password: "pw", impersonate: { user: "jane", groups: ["a", "b"] } },
  });
  const { client } = await clientFor(srv.url, { config });
  try {
    await client.list(Resources.pods);
    const h = srv.seen[0].headers;
    assertEquals(h.get("authorization"), `Basic ${btoa("admin:pw")}`);
    assertEquals(h.get("impersonate-user"), "jane");
    assertEquals(h.get("impersonate-group"), "a, b");
  } finally {
    client.close();
    await srv.stop();
  }
});

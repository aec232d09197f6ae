import { assert, assertEquals, assertMatch } from "../../helpers/assert.ts";
import { ApiError } from "../../../lib/errors.ts";
import { Resources } from "../../../lib/kube/resources.ts";
import { clientFor, json, rejects, startServer, status } from "./_helpers.ts";

const pod = (name: string, rv = "1") => ({
  metadata: { name, namespace: "ns", resourceVersion: rv },
});

Deno.test("list follows continue tokens, passes selectors and limit, fills apiVersion/kind", async () => {
  const srv = await startServer((req) => {
    const u = new URL(req.url);
    const cont = u.searchParams.get("continue");
    if (!cont) {
      return json({
        metadata: { continue: "p2", resourceVersion: "10" },
        items: [pod("a"), pod("b")],
      });
    }
    if (cont === "p2") {
      return json({ metadata: { continue: "p3", resourceVersion: "11" }, items: [pod("c")] });
    }
    return json({ metadata: { resourceVersion: "12" }, items: [pod("d")] });
  });
  const { client } = await clientFor(srv.url);
  try {
    const res = await client.list(Resources.podcliques, {
      namespace: "ns",
      labelSelector: "app.kubernetes.io/part-of=demo",
      fieldSelector: "metadata.name!=x",
      limit: 2,
    });
    assertEquals(res.items.map((i) => i.metadata.name), ["a", "b", "c", "d"]);
    assertEquals(res.resourceVersion, "12");
    assertEquals(res.items[0].apiVersion, "grove.io/v1alpha1");
    assertEquals(res.items[0].kind, "PodClique");
    assertEquals(srv.seen.length, 3);
    assertEquals(
      srv.seen[0].path,
      "/apis/grove.io/v1alpha1/namespaces/ns/podcliques?labelSelector=app.kubernetes.io%2Fpart-of%3Ddemo&fieldSelector=metadata.name!%3Dx&limit=2",
    );
    assertMatch(srv.seen[2].path, /limit=2&continue=p3$/);
    assertEquals(srv.seen[0].headers.get("authorization"), "Bearer secret-token-123");
    assertEquals(client.requests.length, 3);
    assertEquals(client.requests[0].status, 200);
    // all namespaces when no namespace is given
    await client.list(Resources.pods);
    assertEquals(srv.seen[3].path, "/api/v1/pods");
  } finally {
    client.close();
    await srv.stop();
  }
});

Deno.test("reads retry on 429 and 503 honouring Retry-After; attempts are bounded", async () => {
  let n = 0;
  const srv = await startServer((req) => {
    const u = new URL(req.url);
    if (u.pathname.endsWith("/flaky")) {
      n++;
      if (n === 1) {
        return status(429, "TooManyRequests", "slow down", undefined, { "Retry-After": "0" });
      }
      if (n === 2) return status(503, "ServiceUnavailable", "busy");
      return json(pod("flaky"));
    }
    return status(503, "ServiceUnavailable", "down for good");
  });
  const { client, stderr } = await clientFor(srv.url, { verbose: true });
  try {
    const got = await client.get(Resources.pods, "flaky", "ns");
    assertEquals(got.metadata.name, "flaky");
    assertEquals(n, 3);
    assert(
      stderr.some((l) => /^retrying GET \/api\/v1\/namespaces\/ns\/pods\/flaky in /.test(l)),
      stderr.join("\n"),
    );
    const before = srv.seen.length;
    const e = await rejects<ApiError>(client.get(Resources.pods, "down", "ns"));
    assert(e instanceof ApiError);
    assertEquals(e.status, 503);
    assertEquals(srv.seen.length - before, 6); // default maxAttempts
  } finally {
    client.close();
    await srv.stop();
  }
});

Deno.test("a Retry-After beyond the request timeout fails at once with the 429", async () => {
  const srv = await startServer(() =>
    status(429, "TooManyRequests", "later", undefined, { "Retry-After": "60" })
  );
  const { client } = await clientFor(srv.url, { requestTimeoutMs: 2000 });
  try {
    const t0 = Date.now();
    const e = await rejects<ApiError>(client.list(Resources.pods, { namespace: "ns" }));
    assert(e instanceof ApiError);
    assertEquals(e.status, 429);
    assertEquals(e.details.retryAfterSeconds, 60);
    assert(Date.now() - t0 < 1500);
    assertEquals(srv.seen.length, 1);
  } finally {
    client.close();
    await srv.stop();
  }
});

Deno.test("writes are not retried on 500, but are on 429 with Retry-After", async () => {
  let posts = 0;
  const srv = await startServer((req) => {
    if (req.method === "POST") {
      posts++;
      return status(500, "InternalError", "boom");
    }
    if (req.method === "PATCH" && srv.seen.filter((s) => s.method === "PATCH").length === 1) {
      return status(429, "TooManyRequests", "wait", undefined, { "Retry-After": "0" });
    }
    return json(pod("x"));
  });
  const { client } = await clientFor(srv.url);
  try {
    const e = await rejects<ApiError>(
      client.create(Resources.configmaps, { metadata: { name: "cm" } }),
    );
    assert(e instanceof ApiError);
    assertEquals(e.status, 500);
    assertEquals(posts, 1);
    await client.patch(Resources.pods, "x", { metadata: { labels: { a: "b" } } }, "merge", {
      namespace: "ns",
    });
    assertEquals(srv.seen.filter((s) => s.method === "PATCH").length, 2);
  } finally {
    client.close();
    await srv.stop();
  }
});

Deno.test("writes: bodies, content types, fieldManager, dryRun, preconditions, scale", async () => {
  const srv = await startServer((req) => {
    const u = new URL(req.url);
    if (u.pathname.endsWith("/scale")) {
      return json({
        apiVersion: "autoscaling/v1",
        kind: "Scale",
        metadata: { name: "demo", resourceVersion: "5" },
        spec: { replicas: 2 },
        status: { replicas: 2 },
      });
    }
    if (req.method === "DELETE") return json({ kind: "Status", status: "Success" });
    return json(pod("x"));
  });
  const { client } = await clientFor(srv.url);
  try {
    const pcs = Resources.podcliquesets;
    await client.create(pcs, { metadata: { name: "demo", namespace: "inf" }, spec: {} }, {
      dryRun: true,
    });
    await client.replace(pcs, {
      metadata: { name: "demo", namespace: "inf", resourceVersion: "7" },
      spec: {},
    });
    await client.patch(pcs, "demo", [{ op: "replace", path: "/spec/replicas", value: 3 }], "json");
    await client.patch(Resources.pods, "p", { metadata: {} }, "strategic", { namespace: "inf" });
    await client.delete(pcs, "demo", {
      preconditions: { resourceVersion: "7", uid: "u1" },
      dryRun: true,
    });
    const sc = await client.getScale(pcs, "demo", "inf");
    assertEquals(sc.spec.replicas, 2);
    await client.updateScale(pcs, "demo", 4, { namespace: "inf", resourceVersion: "5" });

    const [create, replace, jpatch, spatch, del, getScale, putScale] = srv.seen;
    assertEquals(create.method, "POST");
    assertEquals(
      create.path,
      "/apis/grove.io/v1alpha1/namespaces/inf/podcliquesets?dryRun=All&fieldManager=kubectl-grove&fieldValidation=Strict",
    );
    assertEquals(JSON.parse(create.body).kind, "PodCliqueSet");
    assertEquals(replace.method, "PUT");
    assertEquals(
      replace.path,
      "/apis/grove.io/v1alpha1/namespaces/inf/podcliquesets/demo?fieldManager=kubectl-grove&fieldValidation=Strict",
    );
    assertEquals(JSON.parse(replace.body).metadata.resourceVersion, "7");
    assertEquals(jpatch.headers.get("content-type"), "application/json-patch+json");
    assertEquals(
      jpatch.path,
      "/apis/grove.io/v1alpha1/namespaces/default/podcliquesets/demo?fieldManager=kubectl-grove&fieldValidation=Strict",
    );
    assertEquals(spatch.headers.get("content-type"), "application/strategic-merge-patch+json");
    assertEquals(del.method, "DELETE");
    assertEquals(
      del.path,
      "/apis/grove.io/v1alpha1/namespaces/default/podcliquesets/demo?dryRun=All",
    );
    assertEquals(JSON.parse(del.body), {
      apiVersion: "v1",
      kind: "DeleteOptions",
      preconditions: { resourceVersion: "7", uid: "u1" },
      dryRun: ["All"],
    });
    assertEquals(getScale.path, "/apis/grove.io/v1alpha1/namespaces/inf/podcliquesets/demo/scale");
    assertEquals(putScale.method, "PUT");
    assertEquals(JSON.parse(putScale.body), {
      apiVersion: "autoscaling/v1",
      kind: "Scale",
      metadata: { name: "demo", namespace: "inf", resourceVersion: "5" },
      spec: { replicas: 4 },
    });
  } finally {
    client.close();
    await srv.stop();
  }
});

Deno.test("logs, proxyGet and getRaw build the right paths", async () => {
  const srv = await startServer((req) => {
    const u = new URL(req.url);
    if (u.pathname.endsWith("/log")) return new Response("line1\nline2\n");
    if (u.pathname.includes("/proxy/")) return new Response("vllm:num_requests_running 3\n");
    return json({ gitVersion: "v1.31.0" });
  });
  const { client } = await clientFor(srv.url);
  try {
    assertEquals(
      await client.logs("inf", "demo-0-prefill-abc", {
        container: "main",
        tailLines: 50,
        sinceSeconds: 600,
        previous: true,
      }),
      "line1\nline2\n",
    );
    assertEquals(
      srv.seen[0].path,
      "/api/v1/namespaces/inf/pods/demo-0-prefill-abc/log?container=main&tailLines=50&sinceSeconds=600&previous=true",
    );
    assertMatch(
      await client.proxyGet("inf", "p1", 8000, "/metrics", { timeoutMs: 2000 }),
      /vllm:num_requests_running/,
    );
    assertEquals(srv.seen[1].path, "/api/v1/namespaces/inf/pods/p1:8000/proxy/metrics");
    assertEquals(await client.getRaw<{ gitVersion: string }>("/version"), {
      gitVersion: "v1.31.0",
    });
  } finally {
    client.close();
    await srv.stop();
  }
});

Deno.test("request log and -v lines never show the token", async () => {
  const srv = await startServer(() => json({ items: [], metadata: { resourceVersion: "1" } }));
  const { client, stderr } = await clientFor(srv.url, { verbose: true });
  try {
    await client.list(Resources.nodes);
    assertEquals(client.requests.length, 1);
    const r = client.requests[0];
    assertEquals([r.method, r.path, r.status], ["GET", "/api/v1/nodes", 200]);
    assert(typeof r.ms === "number");
    assertMatch(stderr.join("\n"), /^GET \/api\/v1\/nodes 200 \d+ms$/m);
    assert(!stderr.join("\n").includes("secret-token-123"));
  } finally {
    client.close();
    await srv.stop();
  }
});

Deno.test("a request times out naming the request and --request-timeout", async () => {
  const srv = await startServer(async () => {
    await new Promise((r) => setTimeout(r, 400));
    return json(pod("slow"));
  });
  const { client } = await clientFor(srv.url, { requestTimeoutMs: 100 });
  try {
    const e = await rejects<Error & { hint?: string }>(client.get(Resources.pods, "slow", "ns"));
    assertEquals(e.name, "ConnectionError");
    assertMatch(
      e.message,
      /request GET \/api\/v1\/namespaces\/ns\/pods\/slow to https:\/\/127\.0\.0\.1:\d+ \(context "test-ctx"\) timed out after 100ms/,
    );
    assertMatch(e.hint!, /--request-timeout/);
  } finally {
    client.close();
    await new Promise((r) => setTimeout(r, 400));
    await srv.stop();
  }
});

Deno.test("reads retry after a connection reset; writes do not", async () => {
  const { pki } = await import("./_helpers.ts");
  const p = await pki();
  const listener = Deno.listenTls({
    hostname: "127.0.0.1",
    port: 0,
    cert: p.server.cert,
    key: p.server.key,
  });
  const port = (listener.addr as Deno.NetAddr).port;
  let conns = 0;
  const serving = (async () => {
    for await (const conn of listener) {
      conns++;
      const n = conns;
      (async () => {
        const buf = new Uint8Array(65536);
        try {
          await conn.read(buf);
          if (n === 1 || n === 3) {
            conn.close(); // drop without an answer
            return;
          }
          const body = JSON.stringify({ metadata: { name: "ok", resourceVersion: "1" } });
          await conn.write(new TextEncoder().encode(
            `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
          ));
          conn.close();
        } catch { /* closed */ }
      })();
    }
  })();
  const { client } = await clientFor(`https://127.0.0.1:${port}`);
  try {
    const got = await client.get(Resources.pods, "ok", "ns");
    assertEquals(got.metadata.name, "ok");
    assertEquals(conns, 2);
    const e = await rejects<Error>(
      client.create(Resources.configmaps, { metadata: { name: "x" } }),
    );
    assertEquals(e.name, "ConnectionError");
    assertEquals(conns, 3);
  } finally {
    client.close();
    listener.close();
    await serving.catch(() => {});
  }
});

Deno.test("pod proxy: a 503 from the pod is not retried; a 503 with Retry-After is", async () => {
  let busy = 0;
  const srv = await startServer((req) => {
    if (new URL(req.url).pathname.includes("busy-pod")) {
      return ++busy === 1
        ? status(503, "ServiceUnavailable", "busy", undefined, { "Retry-After": "0" })
        : new Response("ok 1\n");
    }
    return status(503, "ServiceUnavailable", "error trying to reach service: connection refused");
  });
  const { client } = await clientFor(srv.url);
  try {
    const e = await rejects<ApiError>(client.proxyGet("ns", "dead-pod", 8000, "/metrics"));
    assertEquals(e.status, 503);
    assertEquals(srv.seen.length, 1);
    assertEquals(await client.proxyGet("ns", "busy-pod", 8000, "/metrics"), "ok 1\n");
    assertEquals(srv.seen.length, 3);
  } finally {
    client.close();
    await srv.stop();
  }
});

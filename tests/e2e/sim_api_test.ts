/**
 * The simulated cluster over HTTPS, request by request: discovery, auth,
 * CRUD semantics and Status errors, subresources, watch, paging, faults,
 * logs and proxy, a cluster without Grove.
 */

import assert from "node:assert/strict";
import { startSimCluster } from "../../lib/sim/server.ts";

const MINI = new URL("../unit/sim/testdata/mini", import.meta.url).pathname;
const NS = "inference";
const PCS = `/apis/grove.io/v1alpha1/namespaces/${NS}/podcliquesets`;

Deno.test("simulated cluster API semantics", async (t) => {
  const sim = await startSimCluster({
    scenario: MINI,
    bookmarkIntervalMs: 100,
    proxyHandler: (_ns, pod, port, path) =>
      path === "/hook" ? new Response(`hook ${pod} ${port}`) : undefined,
  });
  const client = Deno.createHttpClient({ caCerts: [sim.caCert] });
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    token: string | null = sim.tokens.admin,
    // deno-lint-ignore no-explicit-any
  ): Promise<{ status: number; json: any; text: string; headers: Headers }> => {
    const h: Record<string, string> = { ...headers };
    if (token !== null) h.authorization = `Bearer ${token}`;
    if (body !== undefined && !h["content-type"]) h["content-type"] = "application/json";
    const res = await fetch(`${sim.server}${path}`, {
      method,
      client,
      headers: h,
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch { /* text */ }
    return { status: res.status, json, text, headers: res.headers };
  };
  try {
    await t.step("kubeconfig: two contexts, CA data, mode 0600", async () => {
      const text = await Deno.readTextFile(sim.kubeconfigPath);
      assert.match(text, /certificate-authority-data: /);
      assert.match(text, /current-context: sim\n/);
      assert.match(text, /name: sim-readonly/);
      assert.match(text, /namespace: inference/);
      assert.equal((await Deno.stat(sim.kubeconfigPath)).mode! & 0o777, 0o600);
    });

    await t.step("discovery lists groups, kinds, short names and subresources", async () => {
      assert.equal((await call("GET", "/version")).json.major, "1");
      const apis = (await call("GET", "/apis")).json;
      const names = apis.groups.map((g: { name: string }) => g.name);
      assert.ok(names.includes("grove.io") && names.includes("scheduler.grove.io"));
      const rl = (await call("GET", "/apis/grove.io/v1alpha1")).json;
      const pcs = rl.resources.find((r: { name: string }) => r.name === "podcliquesets");
      assert.deepEqual(pcs.shortNames, ["pcs"]);
      const scale = rl.resources.find((r: { name: string }) => r.name === "podcliquesets/scale");
      assert.deepEqual([scale.group, scale.version, scale.kind], ["autoscaling", "v1", "Scale"]);
      const core = (await call("GET", "/api/v1")).json;
      assert.ok(core.resources.some((r: { name: string }) => r.name === "pods/log"));
      assert.equal((await call("GET", "/apis/nope.io/v1")).status, 404);
    });

    await t.step(
      "auth: 401 for unknown tokens, 403 with the real message for read-only writes",
      async () => {
        const u = await call("GET", PCS, undefined, {}, "wrong");
        assert.equal(u.status, 401);
        assert.equal(u.json.reason, "Unauthorized");
        assert.equal((await call("GET", PCS, undefined, {}, null)).status, 401);
        const ro = sim.tokens.readOnly;
        assert.equal((await call("GET", PCS, undefined, {}, ro)).status, 200);
        const f = await call("PATCH", `/api/v1/namespaces/${NS}/pods/x`, {}, {
          "content-type": "application/merge-patch+json",
        }, ro);
        assert.equal(f.status, 403);
        assert.equal(
          f.json.message,
          `pods "x" is forbidden: User "readonly" cannot patch resource "pods" in API group "" in the namespace "${NS}"`,
        );
        const logs = await call(
          "GET",
          `/api/v1/namespaces/${NS}/pods/demo-0-frontend-abcde/log`,
          undefined,
          {},
          ro,
        );
        assert.equal(logs.status, 403);
        const proxy = await call(
          "GET",
          `/api/v1/namespaces/${NS}/pods/demo-0-frontend-abcde:8000/proxy/metrics`,
          undefined,
          {},
          ro,
        );
        assert.equal(proxy.status, 403);
        const del = await call("DELETE", "/api/v1/nodes/node-a", undefined, {}, ro);
        assert.match(
          del.json.message,
          /cannot delete resource "nodes" in API group "" at the cluster scope/,
        );
      },
    );

    await t.step("create, get, conflict on a stale replace, AlreadyExists, NotFound", async () => {
      const body = {
        apiVersion: "grove.io/v1alpha1",
        kind: "PodCliqueSet",
        metadata: { name: "made" },
        spec: {
          replicas: 1,
          template: {
            cliques: [{
              name: "a",
              spec: {
                roleName: "a",
                replicas: 1,
                podSpec: { containers: [{ name: "a", image: "x" }] },
              },
            }],
          },
        },
        status: { replicas: 99 },
      };
      const c = await call("POST", PCS, body);
      assert.equal(c.status, 201);
      assert.equal(c.json.metadata.namespace, NS);
      assert.equal(c.json.status, undefined, "status is dropped on create");
      assert.equal((await call("POST", PCS, body)).json.reason, "AlreadyExists");
      const old = c.json;
      const upd = await call("PUT", `${PCS}/made`, { ...old, spec: { ...old.spec, replicas: 2 } });
      assert.equal(upd.status, 200);
      assert.equal(upd.json.metadata.generation, 2);
      const stale = await call("PUT", `${PCS}/made`, old);
      assert.equal(stale.status, 409);
      assert.equal(stale.json.reason, "Conflict");
      assert.match(
        stale.json.message,
        /^Operation cannot be fulfilled on podcliquesets.grove.io "made": the object has been modified/,
      );
      const noRv = await call("PUT", `${PCS}/made`, { ...old, metadata: { name: "made" } });
      assert.equal(noRv.status, 422);
      const nf = await call("GET", `${PCS}/nope`);
      assert.equal(nf.status, 404);
      assert.deepEqual(nf.json.details, { name: "nope", group: "grove.io", kind: "podcliquesets" });
      assert.equal(nf.json.message, 'podcliquesets.grove.io "nope" not found');
      const mismatch = await call("PUT", `${PCS}/made`, {
        ...old,
        metadata: { ...old.metadata, name: "other" },
      });
      assert.equal(mismatch.status, 400);
    });

    await t.step("422 Invalid with field causes; strict unknown fields are 400", async () => {
      const bad = await call("PATCH", `${PCS}/demo`, { spec: { replicas: -3 } }, {
        "content-type": "application/merge-patch+json",
      });
      assert.equal(bad.status, 422);
      assert.equal(bad.json.reason, "Invalid");
      assert.equal(
        bad.json.message,
        'PodCliqueSet.grove.io "demo" is invalid: spec.replicas: Invalid value: -3: must be greater than or equal to 0',
      );
      assert.deepEqual(bad.json.details.causes, [{
        reason: "FieldValueInvalid",
        field: "spec.replicas",
        message: "Invalid value: -3: must be greater than or equal to 0",
      }]);
      const strict = await call("PATCH", `${PCS}/demo?fieldValidation=Strict`, {
        spec: { bogus: 1 },
      }, {
        "content-type": "application/merge-patch+json",
      });
      assert.equal(strict.status, 400);
      assert.match(strict.json.message, /unknown field "spec.bogus"/);
    });

    await t.step(
      "patch types: merge, JSON, strategic; 415 for others; dry run persists nothing",
      async () => {
        const rv0 = sim.store.get("pcs", NS, "demo")!.metadata.resourceVersion;
        const dry = await call("PATCH", `${PCS}/demo?dryRun=All`, { spec: { replicas: 7 } }, {
          "content-type": "application/merge-patch+json",
        });
        assert.equal(dry.status, 200);
        assert.equal(dry.json.spec.replicas, 7);
        assert.equal(sim.store.get("pcs", NS, "demo")!.spec.replicas, 1);
        assert.equal(sim.store.get("pcs", NS, "demo")!.metadata.resourceVersion, rv0);
        const j = await call("PATCH", `${PCS}/demo`, [{
          op: "replace",
          path: "/spec/replicas",
          value: 2,
        }], {
          "content-type": "application/json-patch+json",
        });
        assert.equal(j.json.spec.replicas, 2);
        const sm = await call("PATCH", `/api/v1/namespaces/${NS}/pods/demo-0-frontend-abcde`, {
          metadata: { labels: { extra: "1" } },
          spec: { containers: [{ name: "frontend", image: "new:1" }] },
        }, { "content-type": "application/strategic-merge-patch+json" });
        assert.equal(sm.status, 200);
        assert.equal(sm.json.spec.containers[0].image, "new:1");
        assert.equal(sm.json.spec.containers[0].ports[0].containerPort, 8000, "merged by name");
        const podSpec = await call("PATCH", `/api/v1/namespaces/${NS}/pods/demo-0-frontend-abcde`, {
          spec: { nodeName: "elsewhere" },
        }, { "content-type": "application/merge-patch+json" });
        assert.equal(podSpec.status, 422, "pod spec is immutable");
        const u = await call("PATCH", `${PCS}/demo`, "{}", { "content-type": "text/plain" });
        assert.equal(u.status, 415);
        assert.equal(u.json.reason, "UnsupportedMediaType");
        const staleRv = await call("PATCH", `${PCS}/demo`, { metadata: { resourceVersion: "1" } }, {
          "content-type": "application/merge-patch+json",
        });
        assert.equal(staleRv.status, 409);
      },
    );

    await t.step("status and scale subresources", async () => {
      const cur = sim.store.get("pcs", NS, "demo")!;
      const main = await call("PATCH", `${PCS}/demo`, { status: { replicas: 50 } }, {
        "content-type": "application/merge-patch+json",
      });
      assert.equal(main.json.status.replicas, cur.status.replicas, "main resource ignores status");
      const st = await call("PATCH", `${PCS}/demo/status`, {
        status: { replicas: 50 },
        spec: { replicas: 9 },
      }, {
        "content-type": "application/merge-patch+json",
      });
      assert.equal(st.json.status.replicas, 50);
      assert.equal(st.json.spec.replicas, cur.spec.replicas, "status ignores spec");
      const sc = await call("GET", `${PCS}/demo/scale`);
      assert.equal(sc.json.kind, "Scale");
      assert.equal(sc.json.status.selector, "app.kubernetes.io/part-of=demo");
      const put = await call("PUT", `${PCS}/demo/scale`, { ...sc.json, spec: { replicas: 4 } });
      assert.equal(put.json.spec.replicas, 4);
      const stale = await call("PUT", `${PCS}/demo/scale`, { ...sc.json, spec: { replicas: 5 } });
      assert.equal(stale.status, 409);
      const neg = await call(
        "PATCH",
        `/apis/grove.io/v1alpha1/namespaces/${NS}/podcliques/demo-0-frontend/scale`,
        { spec: { replicas: -1 } },
        {
          "content-type": "application/merge-patch+json",
        },
      );
      assert.equal(neg.status, 422);
      const pcsg = await call(
        "PATCH",
        `/apis/grove.io/v1alpha1/namespaces/${NS}/podcliquescalinggroups/demo-0-workers/scale`,
        { spec: { replicas: 3 } },
        {
          "content-type": "application/merge-patch+json",
        },
      );
      assert.equal(pcsg.json.spec.replicas, 3);
    });

    await t.step("list: selectors, paging with continue, Tables, bad selectors", async () => {
      const sel = await call(
        "GET",
        `/api/v1/pods?labelSelector=${
          encodeURIComponent("grove.io/podclique in (demo-0-frontend),!nope")
        }&fieldSelector=spec.nodeName=node-a`,
      );
      assert.deepEqual(sel.json.items.map((p: { metadata: { name: string } }) => p.metadata.name), [
        "demo-0-frontend-abcde",
      ]);
      const p1 = await call("GET", `/api/v1/namespaces/${NS}/pods?limit=1`);
      assert.equal(p1.json.items.length, 1);
      assert.ok(p1.json.metadata.continue);
      const p2 = await call(
        "GET",
        `/api/v1/namespaces/${NS}/pods?limit=1&continue=${
          encodeURIComponent(p1.json.metadata.continue)
        }`,
      );
      assert.equal(p2.json.items.length, 1);
      assert.notEqual(p2.json.items[0].metadata.name, p1.json.items[0].metadata.name);
      assert.equal(p2.json.metadata.continue, undefined);
      const tb = await call("GET", PCS, undefined, {
        accept: "application/json;as=Table;v=v1;g=meta.k8s.io",
      });
      assert.equal(tb.json.kind, "Table");
      assert.equal(tb.json.columnDefinitions[1].name, "Replicas");
      const bad = await call("GET", "/api/v1/pods?labelSelector=a%20b");
      assert.equal(bad.status, 400);
      const badField = await call("GET", `${PCS}?fieldSelector=spec.replicas=1`);
      assert.equal(badField.status, 400);
      assert.match(badField.json.message, /field label not supported: spec.replicas/);
    });

    await t.step(
      "watch: events after an rv, selector transitions, bookmarks, 410 Expired",
      async () => {
        const list = await call("GET", PCS);
        const rv = list.json.metadata.resourceVersion;
        const ctl = new AbortController();
        const res = await fetch(
          `${sim.server}${PCS}?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true&labelSelector=team%3Dx`,
          {
            client,
            headers: { authorization: `Bearer ${sim.tokens.admin}` },
            signal: ctl.signal,
          },
        );
        const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
        const events: {
          type: string;
          object: { metadata: { name?: string; labels?: Record<string, string> } };
        }[] = [];
        let buf = "";
        const next = async () => {
          while (!buf.includes("\n")) {
            const r = await reader.read();
            if (r.done) throw new Error("stream ended");
            buf += r.value;
          }
          const i = buf.indexOf("\n");
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          return JSON.parse(line);
        };
        sim.store.update(
          "pcs",
          NS,
          "demo",
          (o) => void (o.metadata.labels = { ...o.metadata.labels, team: "x" }),
        );
        sim.store.update("pcs", NS, "demo", (o) => void (o.spec.replicas = 8));
        sim.store.update("pcs", NS, "demo", (o) => void delete o.metadata.labels!.team);
        while (events.length < 4) {
          const e = await next();
          events.push(e);
        }
        ctl.abort();
        await reader.cancel().catch(() => {});
        const types = events.map((e) => e.type);
        assert.deepEqual(types.filter((x) => x !== "BOOKMARK").slice(0, 3), [
          "ADDED",
          "MODIFIED",
          "DELETED",
        ]);
        await new Promise((r) => setTimeout(r, 250));
        sim.store.compact();
        const old = await call("GET", `${PCS}?watch=true&resourceVersion=1`);
        const ev = JSON.parse(old.text.trim().split("\n")[0]);
        assert.equal(ev.type, "ERROR");
        assert.equal(ev.object.code, 410);
        assert.equal(ev.object.reason, "Expired");
      },
    );

    await t.step(
      "watch: initial events, sendInitialEvents bookmark, timeoutSeconds, Table events; 405",
      async () => {
        const lines = (text: string) => text.trim().split("\n").map((l) => JSON.parse(l));
        const initial = lines((await call("GET", `${PCS}?watch=1&timeoutSeconds=1`)).text);
        assert.deepEqual(
          initial.map((e) => `${e.type} ${e.object.metadata.name}`),
          sim.store.list("pcs", NS).map((o) => `ADDED ${o.metadata.name}`),
          "no rv: the current state, then closed by the timeout",
        );
        const listed = lines(
          (await call(
            "GET",
            `${PCS}?watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&timeoutSeconds=1`,
          )).text,
        );
        const end = listed.find((e) => e.type === "BOOKMARK");
        assert.equal(end.object.metadata.annotations["k8s.io/initial-events-end"], "true");
        const tables = lines(
          (await call("GET", `${PCS}?watch=1&timeoutSeconds=1`, undefined, {
            accept: "application/json;as=Table;v=v1;g=meta.k8s.io",
          })).text,
        );
        assert.equal(tables[0].object.kind, "Table");
        assert.equal(tables[0].object.rows[0].cells[0], sim.store.list("pcs", NS)[0].metadata.name);
        const post = await call("POST", `${PCS}/demo`, {});
        assert.equal(post.status, 405);
        assert.equal(post.json.reason, "MethodNotAllowed");
        assert.equal((await call("DELETE", `${PCS}/demo/status`)).status, 405);
        assert.equal((await call("GET", `${PCS}/demo/frobnicate`)).status, 404);
      },
    );

    await t.step("logs: containers, tail, previous, and the API server's 400s", async () => {
      const base = `/api/v1/namespaces/${NS}/pods`;
      const l = await call("GET", `${base}/demo-0-frontend-abcde/log?tailLines=1`);
      assert.match(l.text, /GET \/health 200\n$/);
      assert.equal(l.text.split("\n").length, 2);
      assert.match(
        (await call("GET", `${base}/demo-0-frontend-abcde/log?previous=true`)).text,
        /previous run/,
      );
      const multi = await call("GET", `${base}/demo-0-worker-fghij/log`);
      assert.equal(multi.status, 400);
      assert.equal(
        multi.json.message,
        "a container name must be specified for pod demo-0-worker-fghij, choose one of: [worker sidecar] or one of the init containers: [setup]",
      );
      const wrong = await call("GET", `${base}/demo-0-frontend-abcde/log?container=nope`);
      assert.equal(wrong.json.message, "container nope is not valid for pod demo-0-frontend-abcde");
      const prev = await call(
        "GET",
        `${base}/demo-0-worker-fghij/log?container=worker&previous=true`,
      );
      assert.equal(prev.status, 400);
    });

    await t.step(
      "proxy: recorded scrapes in sequence, the hook, 503 for pods without metrics",
      async () => {
        const p = `/api/v1/namespaces/${NS}/pods/demo-0-frontend-abcde:8000/proxy/metrics`;
        assert.match((await call("GET", p)).text, /} 1\n$/);
        assert.match((await call("GET", p)).text, /} 2\n$/);
        assert.match((await call("GET", p)).text, /} 2\n$/, "the last scrape repeats");
        const hook = await call(
          "GET",
          `/api/v1/namespaces/${NS}/pods/demo-0-frontend-abcde:9090/proxy/hook`,
        );
        assert.equal(hook.text, "hook demo-0-frontend-abcde 9090");
        const none = await call(
          "GET",
          `/api/v1/namespaces/${NS}/pods/demo-0-worker-fghij:8000/proxy/metrics`,
        );
        assert.equal(none.status, 503);
      },
    );

    await t.step("faults: 429 with Retry-After, latency, and the request log", async () => {
      sim.requestLog.reset();
      sim.faults.set({ errorRate: 1, errorStatuses: [429], retryAfterSeconds: 2 });
      const r = await call("GET", PCS);
      assert.equal(r.status, 429);
      assert.equal(r.headers.get("retry-after"), "2");
      assert.equal(r.json.details.retryAfterSeconds, 2);
      sim.faults.set({ latencyMs: 120 });
      const t0 = performance.now();
      assert.equal((await call("GET", PCS)).status, 200);
      assert.ok(performance.now() - t0 >= 110);
      sim.faults.set({ dropWatchAfterMs: 100 });
      const w = await call("GET", `${PCS}?watch=true`);
      assert.equal(w.status, 200, "a dropped watch ends the stream");
      sim.faults.set({});
      assert.equal(sim.requestLog.length, 3);
      assert.deepEqual(sim.requestLog.entries.map((e) => [e.method, e.status, e.user]), [
        ["GET", 429, "admin"],
        ["GET", 200, "admin"],
        ["GET", 200, "admin"],
      ]);
      assert.equal(sim.requestLog.count((e) => e.query.includes("watch=true")), 1);
    });

    await t.step("delete: preconditions, garbage collection of owned objects", async () => {
      const pc = await call("DELETE", `${PCS}/demo`, { preconditions: { uid: "wrong" } });
      assert.equal(pc.status, 409);
      const d = await call("DELETE", `${PCS}/demo`);
      assert.equal(d.status, 200);
      assert.equal(sim.store.get("pclq", NS, "demo-0-frontend"), undefined);
      assert.equal(sim.store.get("pods", NS, "demo-0-frontend-abcde"), undefined);
    });
  } finally {
    client.close();
    await sim.stop();
  }
  await assert.rejects(
    Deno.stat(sim.kubeconfigPath),
    Deno.errors.NotFound,
    "temp kubeconfig removed",
  );
});

Deno.test("a cluster without Grove serves no Grove groups", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.mkdir(`${dir}/resources`);
  await Deno.writeTextFile(
    `${dir}/meta.json`,
    JSON.stringify({ recordedAt: "2026-01-01T00:00:00Z", groveInstalled: false }),
  );
  const sim = await startSimCluster({ scenario: dir });
  const client = Deno.createHttpClient({ caCerts: [sim.caCert] });
  try {
    const get = (p: string) =>
      fetch(`${sim.server}${p}`, {
        client,
        headers: { authorization: `Bearer ${sim.tokens.admin}` },
      });
    const apis = await (await get("/apis")).json();
    assert.ok(!apis.groups.some((g: { name: string }) => g.name.endsWith("grove.io")));
    const r = await get("/apis/grove.io/v1alpha1/podcliquesets");
    assert.equal(r.status, 404);
    await r.body?.cancel();
    const ns = await (await get("/api/v1/namespaces")).json();
    assert.ok(ns.items.some((n: { metadata: { name: string } }) => n.metadata.name === "default"));
  } finally {
    client.close();
    await sim.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

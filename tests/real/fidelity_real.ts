// Fidelity: the same raw API probes against lib/sim and against the real
// kube-apiserver, both with scenario "healthy". Every probe's answer is
// reduced to the facts the tool depends on; where the two differ, the
// difference must be one docs/fidelity.md lists (KNOWN below), so a new
// difference, or one that a fix removed, fails here and the doc is updated.
import { assert, assertEquals } from "../helpers/assert.ts";
import { startSimCluster } from "../../lib/sim/server.ts";
import { bed, opts, waitFor } from "./helpers.ts";

interface Target {
  server: string;
  client: Deno.HttpClient;
  admin: string;
  readOnly: string;
}

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

async function req(
  t: Target,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; token?: string } = {},
): Promise<Answer> {
  const res = await fetch(t.server + path, {
    method: init.method ?? "GET",
    headers: { authorization: `Bearer ${init.token ?? t.admin}`, ...init.headers },
    body: init.body,
    client: t.client,
  });
  const buf = new Uint8Array(await res.arrayBuffer());
  const contentType = (res.headers.get("content-type") ?? "").split(";")[0];
  const text = contentType.includes("protobuf")
    ? `<${buf.length} bytes>`
    : new TextDecoder().decode(buf);
  return { status: res.status, contentType, text };
}

/** The first `n` watch events (or fewer within `ms`). */
async function watchEvents(t: Target, path: string, n: number, ms: number): Promise<string[]> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), ms);
  const out: string[] = [];
  try {
    const res = await fetch(t.server + path, {
      headers: { authorization: `Bearer ${t.admin}` },
      client: t.client,
      signal: ac.signal,
    });
    if (!res.ok) return [`HTTP ${res.status}`];
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buf = "";
    while (out.length < n) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += value;
      let i;
      while ((i = buf.indexOf("\n")) >= 0 && out.length < n) {
        const ev = JSON.parse(buf.slice(0, i));
        buf = buf.slice(i + 1);
        const ann = ev.object?.metadata?.annotations?.["k8s.io/initial-events-end"];
        out.push(
          ev.type === "ERROR"
            ? `ERROR ${ev.object?.code} ${ev.object?.reason}`
            : ev.type === "BOOKMARK"
            ? `BOOKMARK${ann ? " initial-events-end" : ""}`
            : ev.type,
        );
      }
    }
    await reader.cancel().catch(() => {});
  } catch (e) {
    if (!(e instanceof DOMException && e.name === "AbortError")) throw e;
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  return out;
}

const NS = "inference";
const PCS = `/apis/grove.io/v1alpha1/namespaces/${NS}/podcliquesets`;
const minimalPcs = (name: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    apiVersion: "grove.io/v1alpha1",
    kind: "PodCliqueSet",
    metadata: { name, namespace: NS },
    spec: {
      replicas: 1,
      template: {
        cliques: [{
          name: "w",
          spec: {
            roleName: "w",
            replicas: 1,
            podSpec: { containers: [{ name: "c", image: "busybox" }] },
          },
        }],
        ...extra,
      },
    },
  });

/** Each probe reduces an answer to a short, comparable fact. */
const PROBES: Record<string, (t: Target) => Promise<string>> = {
  "discovery: aggregated v2 for /apis": async (t) => {
    const a = await req(t, "/apis", {
      headers: {
        accept:
          "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json",
      },
    });
    const j = JSON.parse(a.text);
    const groups = (j.items ?? j.groups ?? []).map((
      g: { metadata?: { name: string }; name?: string },
    ) => g.metadata?.name ?? g.name);
    return `${a.status} ${j.kind} grove.io=${groups.includes("grove.io")}`;
  },
  "discovery: legacy /apis/grove.io/v1alpha1 lists podcliquesets/scale": async (t) => {
    const j = JSON.parse((await req(t, "/apis/grove.io/v1alpha1")).text);
    const names = j.resources.map((r: { name: string }) => r.name).sort();
    return names.filter((n: string) => n.startsWith("podcliquesets")).join(",");
  },
  "Table: podcliquesets columns": async (t) => {
    const a = await req(t, PCS, {
      headers: { accept: "application/json;as=Table;v=v1;g=meta.k8s.io" },
    });
    const j = JSON.parse(a.text);
    return `${j.kind}: ${j.columnDefinitions.map((c: { name: string }) => c.name).join(",")}`;
  },
  "Table: pods columns": async (t) => {
    const a = await req(t, `/api/v1/namespaces/${NS}/pods`, {
      headers: { accept: "application/json;as=Table;v=v1;g=meta.k8s.io" },
    });
    const j = JSON.parse(a.text);
    return `${j.kind}: ${j.columnDefinitions.map((c: { name: string }) => c.name).join(",")}`;
  },
  "protobuf: core pods list": async (t) => {
    const a = await req(t, `/api/v1/namespaces/${NS}/pods`, {
      headers: { accept: "application/vnd.kubernetes.protobuf" },
    });
    return `${a.status} ${a.contentType}`;
  },
  "protobuf: a CRD list with JSON fallback": async (t) => {
    const a = await req(t, PCS, {
      headers: { accept: "application/vnd.kubernetes.protobuf,application/json" },
    });
    return `${a.status} ${a.contentType}`;
  },
  "protobuf only: a CRD list": async (t) => {
    const a = await req(t, PCS, { headers: { accept: "application/vnd.kubernetes.protobuf" } });
    return `${a.status}`;
  },
  "watch: resourceVersion=1 on pods": async (t) =>
    (await watchEvents(t, `/api/v1/namespaces/${NS}/pods?watch=1&resourceVersion=1`, 1, 3000))
      .join(" ") || "no event in 3s",
  "watch: sendInitialEvents ends with the initial-events-end bookmark": async (t) => {
    const ev = await watchEvents(
      t,
      `${PCS}?watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan`,
      3,
      5000,
    );
    return ev.join(" ");
  },
  "field selector: pods by status.phase": async (t) => {
    const a = await req(t, `/api/v1/namespaces/${NS}/pods?fieldSelector=status.phase%3DRunning`);
    return `${a.status} items>0=${(JSON.parse(a.text).items ?? []).length > 0}`;
  },
  "field selector: unsupported field on a CRD": async (t) => {
    const a = await req(t, `${PCS}?fieldSelector=spec.replicas%3D1`);
    return `${a.status} ${JSON.parse(a.text).reason ?? ""}`;
  },
  "CRD defaulting: dry-run create fills cliqueStartupType": async (t) => {
    const a = await req(t, `${PCS}?dryRun=All`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: minimalPcs("probe-default"),
    });
    const j = JSON.parse(a.text);
    return `${a.status} ${j.spec?.template?.cliqueStartupType ?? "no default"}`;
  },
  "CEL: topologyConstraint without pack": async (t) => {
    const a = await req(t, `${PCS}?dryRun=All`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: minimalPcs("probe-cel", { topologyConstraint: {} }),
    });
    const j = JSON.parse(a.text);
    const causes = (j.details?.causes ?? []).map((c: { message: string }) => c.message);
    return `${a.status} ${j.reason} ${
      causes.some((m: string) => m.includes("topologyConstraint must specify pack"))
        ? "CEL message"
        : j.message
    }`;
  },
  "schema: unknown field is pruned (dry-run)": async (t) => {
    const body = JSON.parse(minimalPcs("probe-prune"));
    body.spec.bogusField = 1;
    const a = await req(t, `${PCS}?dryRun=All`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const j = JSON.parse(a.text);
    return `${a.status} pruned=${j.spec ? !("bogusField" in j.spec) : "?"}`;
  },
  "server-side apply: managedFields operation": async (t) => {
    const a = await req(
      t,
      `/api/v1/namespaces/${NS}/configmaps/probe-ssa?fieldManager=probe&force=true`,
      {
        method: "PATCH",
        headers: { "content-type": "application/apply-patch+yaml" },
        body: JSON.stringify({
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name: "probe-ssa" },
          data: { a: "1" },
        }),
      },
    );
    const j = JSON.parse(a.text);
    const mf = (j.metadata?.managedFields ?? []).map((m: { manager: string; operation: string }) =>
      `${m.manager}:${m.operation}`
    );
    return `${a.status} ${mf.join(",") || "no managedFields"}`;
  },
  "RBAC: read-only user may not patch podcliquesets": async (t) => {
    const a = await req(t, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", {
      method: "POST",
      token: t.readOnly,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        apiVersion: "authorization.k8s.io/v1",
        kind: "SelfSubjectAccessReview",
        spec: {
          resourceAttributes: {
            namespace: NS,
            verb: "patch",
            group: "grove.io",
            resource: "podcliquesets",
          },
        },
      }),
    });
    return `${a.status} allowed=${JSON.parse(a.text).status?.allowed}`;
  },
  "RBAC: read-only user reading pods/log": async (t) => {
    const pods = JSON.parse((await req(t, `/api/v1/namespaces/${NS}/pods`)).text).items;
    const a = await req(
      t,
      `/api/v1/namespaces/${NS}/pods/${pods[0].metadata.name}/log?tailLines=1`,
      {
        token: t.readOnly,
      },
    );
    return `${a.status}`;
  },
  "RBAC: read-only user through the pod proxy": async (t) => {
    const pods = JSON.parse((await req(t, `/api/v1/namespaces/${NS}/pods`)).text).items;
    const a = await req(
      t,
      `/api/v1/namespaces/${NS}/pods/${pods[0].metadata.name}:8000/proxy/metrics`,
      {
        token: t.readOnly,
      },
    );
    return `${a.status}`;
  },
  "RBAC: read-only user writing": async (t) => {
    const a = await req(t, `${PCS}/sglang-chat`, {
      method: "PATCH",
      token: t.readOnly,
      headers: { "content-type": "application/merge-patch+json" },
      body: JSON.stringify({ metadata: { labels: { probe: "1" } } }),
    });
    return `${a.status} ${JSON.parse(a.text).reason}`;
  },
  "version: gitVersion": async (t) => {
    const j = JSON.parse((await req(t, "/version")).text);
    return /^v1\.\d+\.\d+/.test(j.gitVersion) ? "v1.x.y" : j.gitVersion;
  },
  "scale subresource: PCS /scale selector": async (t) => {
    const j = JSON.parse((await req(t, `${PCS}/qwen-disagg/scale`)).text);
    return `${j.kind} replicas=${j.spec?.replicas} selector=${
      j.status?.selector ? "set" : "unset"
    }`;
  },
};

/**
 * Differences docs/fidelity.md explains: probe -> [sim answer, real answer].
 * Filled from a run; a change on either side fails the test.
 */
const KNOWN: Record<string, [string, string]> = {
  "protobuf: core pods list": ["200 application/json", "200 application/vnd.kubernetes.protobuf"],
  "protobuf only: a CRD list": ["200", "406"],
  "watch: resourceVersion=1 on pods": ["ERROR 410 Expired", "ADDED"],
  "server-side apply: managedFields operation": ["201 no managedFields", "201 probe:Apply"],
  "RBAC: read-only user reading pods/log": ["403", "200"],
  "scale subresource: PCS /scale selector": [
    "Scale replicas=1 selector=set",
    "Scale replicas=1 selector=unset",
  ],
};

Deno.test("fidelity: lib/sim against kube-apiserver, probe by probe", opts, async () => {
  const sim = await startSimCluster({ scenario: "healthy" });
  const real = await bed({ scenario: "healthy" });
  try {
    await waitFor("qwen-disagg available", async () => {
      const j = await real.kube.getRaw<{ status?: { availableReplicas?: number } }>(
        `${PCS}/qwen-disagg`,
      );
      return j.status?.availableReplicas === 1;
    }, 60_000);
    const targets: Record<"sim" | "real", Target> = {
      sim: {
        server: sim.server,
        client: Deno.createHttpClient({ caCerts: [sim.caCert] }),
        admin: sim.tokens.admin,
        readOnly: sim.tokens.readOnly,
      },
      real: {
        server: real.server,
        client: Deno.createHttpClient({ caCerts: [real.caCert] }),
        admin: real.tokens.admin,
        readOnly: real.tokens.viewer,
      },
    };
    const diffs: Record<string, [string, string]> = {};
    const rows: string[] = [];
    for (const [name, probe] of Object.entries(PROBES)) {
      const [s, r] = await Promise.all([
        probe(targets.sim).catch((e) => `probe failed: ${e.message}`),
        probe(targets.real).catch((e) => `probe failed: ${e.message}`),
      ]);
      rows.push(`${s === r ? "  same" : "  DIFF"} ${name}\n      sim:  ${s}\n      real: ${r}`);
      if (s !== r) diffs[name] = [s, r];
    }
    console.log(rows.join("\n"));
    await Deno.mkdir(".tools/testbed", { recursive: true });
    await Deno.writeTextFile(".tools/testbed/fidelity.json", JSON.stringify(diffs, null, 2) + "\n");
    assert(
      !Object.values(diffs).some(([, r]) => r.startsWith("probe failed")),
      "a probe failed on the real server",
    );
    assertEquals(diffs, KNOWN, "sim/real differences changed: update KNOWN and docs/fidelity.md");
    targets.sim.client.close();
    targets.real.client.close();
  } finally {
    await sim.stop();
    await real.stop();
  }
});

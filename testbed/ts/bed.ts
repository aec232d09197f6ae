/**
 * The real test bed: builds (when needed) and starts the `testbed` Go binary
 * (etcd, kube-apiserver, kube-scheduler, kube-controller-manager and the
 * kubelet simulation; it installs Grove's CRDs before the controllers start), loads a scenario's nodes,
 * namespaces, PodCliqueSets and unmanaged pods through the API, serves pod
 * logs and engine metrics for the kubelet simulation, and runs the operator
 * simulation as a controller against the API server (the real Grove operator
 * is not served by the Go module proxy; see docs/fidelity.md).
 *
 * @module
 */

import { connect } from "../../lib/kube/connect.ts";
import type { KubeClient } from "../../lib/kube/client.ts";
import { Resources } from "../../lib/kube/resources.ts";
import type { KubeObject } from "../../lib/kube/types.ts";
import { LabelKeys } from "../../lib/grove/labels.ts";
import { loadScenario, type Scenario } from "../../lib/sim/fixtures.ts";
import {
  type OperatorOptions,
  type SimOperator,
  startOperator,
} from "../../lib/sim/operator/mod.ts";
import type { SimStore } from "../../lib/sim/store.ts";
import { synthMetricsHandler } from "../../lib/sim/metrics_synth.ts";
import { filterLog } from "../../lib/sim/pod_io.ts";
import { MirrorStore } from "./mirror_store.ts";

const ROOT = new URL("../../", import.meta.url);
/** Where the binary and the run state live (ignored by git). */
export const TOOLS_DIR = new URL(".tools/testbed/", ROOT).pathname;
/** The built binary. */
export const BINARY = `${TOOLS_DIR}testbed`;

/** Options of {@link startTestbed}. */
export interface TestbedOptions {
  /** Scenario to load (a fixtures/ name); none: an empty cluster with Grove's CRDs. */
  scenario?: string;
  /** State directory (default `.tools/testbed/run-<pid>`). */
  dir?: string;
  /** Operator simulation options (default stepMs 300). */
  operator?: OperatorOptions;
  /** Regular expression of images whose pods stay in ImagePullBackOff. */
  badImage?: string;
  /** Time a bound pod takes to become Ready (Go duration, default 300ms). */
  readyDelay?: string;
  /**
   * False: no PodGang phase past `Pending` is written, as on a cluster where
   * Grove uses its `kube` scheduler backend (default true: the operator
   * simulation writes `Running` like the KAI scheduler would).
   */
  gangPhases?: boolean;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** A running test bed. */
export interface Testbed {
  /** The kubeconfig (contexts testbed, testbed-viewer, testbed-ns-user). */
  kubeconfig: string;
  /** API server URL. */
  server: string;
  /** The namespace `ns-user` may edit. */
  userNamespace: string;
  /** The cluster CA certificate, PEM. */
  caCert: string;
  /** Bearer tokens of the static token file's users. */
  tokens: { admin: string; viewer: string; nsUser: string };
  /** The state directory (component logs: apiserver.log, scheduler.log, ...). */
  dir: string;
  /** An admin client. */
  kube: KubeClient;
  /** The scenario loaded, if any. */
  scenario?: Scenario;
  /** The operator's view of the cluster. */
  store: MirrorStore;
  /** The operator simulation. */
  operator: SimOperator;
  /** Timings, ms. */
  timings: Record<string, number>;
  /** Stops everything and removes the state directory. */
  stop(): Promise<void>;
}

/** The Kubernetes release the test bed pins (testbed/go.mod), stamped into the binary. */
export const KUBE_VERSION = "v1.34.4";
const LDFLAGS = ["k8s.io/component-base/version", "k8s.io/client-go/pkg/version"].flatMap((pkg) => [
  `-X ${pkg}.gitVersion=${KUBE_VERSION}`,
  `-X ${pkg}.gitMajor=1`,
  `-X ${pkg}.gitMinor=34`,
  `-X ${pkg}.gitTreeState=clean`,
  `-X ${pkg}.buildDate=2026-01-01T00:00:00Z`,
]).join(" ");

/** Builds the Go binary (a no-op when it is up to date: Go's build cache decides). */
export async function buildTestbed(log: (l: string) => void = () => {}): Promise<number> {
  const t0 = performance.now();
  log(`building ${BINARY} (go build; the first build of kube-apiserver takes long)`);
  const out = await new Deno.Command("go", {
    args: ["build", "-ldflags", LDFLAGS, "-o", BINARY, "."],
    cwd: new URL("testbed/", ROOT).pathname,
    env: { GOFLAGS: "-mod=mod" },
    stdout: "inherit",
    stderr: "inherit",
  }).output().catch((e) => {
    throw new Error(`could not run go (is Go 1.25+ installed and on PATH?): ${e.message}`);
  });
  if (!out.success) throw new Error(`go build of testbed/ failed (exit ${out.code})`);
  return performance.now() - t0;
}

async function readLine(r: ReadableStreamDefaultReader<Uint8Array>, buf: { s: string }) {
  const dec = new TextDecoder();
  for (;;) {
    const i = buf.s.indexOf("\n");
    if (i >= 0) {
      const line = buf.s.slice(0, i);
      buf.s = buf.s.slice(i + 1);
      return line;
    }
    const { value, done } = await r.read();
    if (done) return undefined;
    buf.s += dec.decode(value, { stream: true });
  }
}

const CRD_DIR = new URL("fixtures/_crds/", ROOT).pathname;

function clean(o: KubeObject): KubeObject {
  const c = structuredClone(o);
  const md = c.metadata as unknown as Record<string, unknown>;
  for (
    const k of [
      "uid",
      "resourceVersion",
      "creationTimestamp",
      "generation",
      "managedFields",
      "ownerReferences",
      "deletionTimestamp",
    ]
  ) {
    delete md[k];
  }
  return c;
}

const byKind = (kind: string) => Object.values(Resources).find((r) => r.kind === kind);

/** Creates a scenario's objects that exist before an operator acts. */
async function loadObjects(kube: KubeClient, s: Scenario, log: (l: string) => void) {
  const order = [
    "Namespace",
    "Node",
    "ClusterTopologyBinding",
    "ClusterTopology",
    "PodCliqueSet",
    "Pod",
  ];
  let n = 0;
  const declared = new Set(
    s.objects.filter((o) => o.kind === "Namespace").map((o) => o.metadata.name),
  );
  for (const o of s.objects) {
    const ns = o.metadata.namespace;
    if (ns && !declared.has(ns) && !["default", "kube-system", "kube-public"].includes(ns)) {
      declared.add(ns);
      await kube.create(Resources.namespaces, {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: ns },
      })
        .catch((e) => {
          if ((e as { status?: number }).status !== 409) throw e;
        });
    }
  }
  for (const kind of order) {
    for (const o of s.objects.filter((x) => x.kind === kind)) {
      if (kind === "Pod" && o.metadata.labels?.[LabelKeys.partOf]) continue; // the operator's
      if (
        kind === "Namespace" && ["default", "kube-system", "kube-public"].includes(o.metadata.name)
      ) continue;
      const r = byKind(kind);
      if (!r) continue;
      const body = clean(o);
      const status = body.status;
      if (kind !== "Node" && kind !== "Namespace") delete body.status;
      if (kind === "Pod") {
        // recorded unmanaged pods keep their node; the test bed's kubelet writes their status
        delete body.status;
      }
      try {
        await kube.create(r, body, { namespace: o.metadata.namespace });
      } catch (e) {
        if ((e as { status?: number }).status === 409) continue;
        throw new Error(`loading ${kind} ${o.metadata.name}: ${(e as Error).message}`);
      }
      if (kind === "Node" && status) {
        await kube.patch(r, o.metadata.name, { status }, "merge", { subresource: "status" });
      }
      n++;
    }
    if (kind === "Namespace") {
      // pods need the namespace's default service account (the controller-manager creates it)
      const sa = { ...Resources.pods, kind: "ServiceAccount", plural: "serviceaccounts" };
      const nss = new Set(
        s.objects.map((o) => o.metadata.namespace).filter((x): x is string => !!x),
      );
      for (const ns of nss) {
        const deadline = Date.now() + 60_000;
        for (;;) {
          try {
            await kube.get(sa, "default", ns);
            break;
          } catch (e) {
            if (Date.now() > deadline) {
              throw new Error(`namespace ${ns} got no default service account within 60s: ${e}`);
            }
            await new Promise((r) => setTimeout(r, 200));
          }
        }
      }
    }
  }
  log(`loaded ${n} objects of scenario ${s.meta.description?.slice(0, 40) ?? ""}...`);
}

/** Serves pod HTTP (engine metrics) and container logs for the kubelet simulation. */
function contentServer(store: () => MirrorStore | undefined, s?: Scenario) {
  const metrics = synthMetricsHandler({});
  const ac = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen: () => {} },
    async (req) => {
      const u = new URL(req.url);
      const parts = u.pathname.split("/").filter(Boolean);
      const st = store();
      if (parts[0] === "pod" && parts.length >= 4) {
        const [, ns, name, port, ...rest] = parts;
        const pod = st?.get(Resources.pods, ns, name);
        if (!pod) return new Response(`pod ${ns}/${name} not found`, { status: 404 });
        const res = await metrics(ns, name, port, "/" + rest.join("/"), pod);
        return res ?? new Response("not found", { status: 404 });
      }
      if (parts[0] === "logs" && parts.length === 4) {
        const [, ns, name, container] = parts;
        const pod = st?.get(Resources.pods, ns, name);
        const recorded = s?.logs.get(`${ns}/${name}/${container}`);
        const started = pod?.status?.startTime ?? new Date().toISOString();
        const image = (pod?.spec?.containers ?? []).find((c: { name: string }) =>
          c.name === container
        )
          ?.image ?? "unknown";
        const text = recorded ??
          `${started} INFO starting container ${container} (image ${image})\n` +
            `${started} INFO pod ${ns}/${name} on node ${pod?.spec?.nodeName ?? "?"} ready\n`;
        const q = u.searchParams;
        const out = filterLog(text, {
          tailLines: q.has("tailLines") ? Number(q.get("tailLines")) : undefined,
          timestamps: q.get("timestamps") === "true",
          limitBytes: q.has("limitBytes") ? Number(q.get("limitBytes")) : undefined,
          sinceMs: q.has("sinceSeconds")
            ? Date.now() - Number(q.get("sinceSeconds")) * 1000
            : q.has("sinceTime")
            ? Date.parse(q.get("sinceTime")!)
            : undefined,
          fallbackTime: started,
        });
        return new Response(out, { headers: { "content-type": "text/plain" } });
      }
      return new Response("not found", { status: 404 });
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    stop: () => ac.abort(),
    done: server.finished,
  };
}

/**
 * Starts the test bed. The binary must have been built ({@link buildTestbed}).
 *
 * @example
 * ```ts ignore
 * const bed = await startTestbed({ scenario: "healthy" });
 * console.log(`export KUBECONFIG=${bed.kubeconfig}`);
 * await bed.stop();
 * ```
 */
export async function startTestbed(opts: TestbedOptions = {}): Promise<Testbed> {
  const log = opts.log ?? (() => {});
  const timings: Record<string, number> = {};
  const t0 = performance.now();
  try {
    Deno.statSync(BINARY);
  } catch {
    throw new Error(`${BINARY} is missing: build it first (deno task testbed builds it)`);
  }
  const dir = opts.dir ?? `${TOOLS_DIR}run-${Deno.pid}`;
  const scenario = opts.scenario ? await loadScenario(opts.scenario) : undefined;
  const ref: { store?: MirrorStore } = {};
  const content = contentServer(() => ref.store, scenario);
  const args = [
    "up",
    "--dir",
    dir,
    "--content",
    content.url,
    "--crds",
    CRD_DIR,
    "--user-namespace",
    scenario?.meta.namespace ?? "grove-team",
    "--ready-delay",
    opts.readyDelay ?? "300ms",
  ];
  if (opts.badImage) args.push("--bad-image", opts.badImage);
  // stdin is the lifeline: when this process dies, the pipe closes and the test bed stops
  args.push("--stdin-lifeline");
  const child = new Deno.Command(BINARY, { args, stdin: "piped", stdout: "piped", stderr: "piped" })
    .spawn();
  const abandon = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    await child.status;
    content.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  const reader = child.stdout.getReader();
  const errText: string[] = [];
  (async () => {
    const dec = new TextDecoder();
    for await (const chunk of child.stderr) {
      errText.push(dec.decode(chunk));
      if (errText.length > 200) errText.shift();
    }
  })();
  const line = await readLine(reader, { s: "" });
  let info: {
    kubeconfig: string;
    server: string;
    userNamespace: string;
    apiReadyMs: number;
    startMs: number;
  };
  try {
    info = JSON.parse(line ?? "");
  } catch {
    const status = await child.status;
    content.stop();
    throw new Error(
      `the test bed did not start (exit ${status.code}):\n${errText.join("").slice(-3000)}`,
    );
  }
  reader.releaseLock();
  timings.controlPlaneMs = Math.round(performance.now() - t0);
  timings.apiReadyMs = info.apiReadyMs;
  log(`control plane up in ${timings.controlPlaneMs} ms (${info.server})`);

  const kube = await connect({ kubeconfig: info.kubeconfig, env: {} });
  const store = new MirrorStore(kube, { gangPhases: opts.gangPhases });
  try {
    if (scenario) await loadObjects(kube, scenario, log);
    ref.store = store;
    await store.start();
  } catch (e) {
    await store.stop();
    await abandon();
    throw e;
  }
  const operator = startOperator(store as unknown as SimStore, {
    stepMs: 300,
    readyDelayMs: 200,
    ...opts.operator,
  });
  timings.startMs = Math.round(performance.now() - t0);
  let stopped = false;
  return {
    kubeconfig: info.kubeconfig,
    server: info.server,
    userNamespace: info.userNamespace,
    caCert: await Deno.readTextFile(`${dir}/pki/ca.crt`),
    tokens: {
      admin: "testbed-admin-token",
      viewer: "testbed-viewer-token",
      nsUser: "testbed-ns-token",
    },
    dir,
    kube,
    scenario,
    store,
    operator,
    timings,
    async stop() {
      if (stopped) return;
      stopped = true;
      operator.stop();
      await store.stop();
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      await child.status;
      content.stop();
      await content.done;
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

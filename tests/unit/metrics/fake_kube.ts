// A minimal in-memory Kube for the metrics task tests: lists, gets and pod-proxy GETs.
import { ApiError } from "../../../lib/errors.ts";
import type { Kube, KubeObject, ListOptions, RequestRecord } from "../../../lib/kube/types.ts";
import type { ResourceDescriptor } from "../../../lib/kube/resources.ts";

/** What the fake serves. */
export interface FakeData {
  objects: KubeObject[];
  /** pod name -> list of scrape bodies (the last repeats), or an error status. */
  metrics: Record<string, string[] | { status: number }>;
  /** Delay of each proxy GET, ms. */
  latencyMs?: number;
  /** Status for every proxy GET (e.g. 403). */
  proxyStatus?: number;
}

function matches(o: KubeObject, sel?: string): boolean {
  if (!sel) return true;
  return sel.split(",").every((term) => {
    const [k, v] = term.split("=");
    return o.metadata.labels?.[k] === v;
  });
}

/** Builds the fake client. */
export function fakeKube(data: FakeData): Kube & { proxyCalls: number; maxInFlight: number } {
  const served = new Map<string, number>();
  const requests: RequestRecord[] = [];
  let inFlight = 0;
  const self = {
    contextName: "fake",
    server: "https://fake",
    namespace: "default",
    requests,
    proxyCalls: 0,
    maxInFlight: 0,
    list<T extends KubeObject>(r: ResourceDescriptor, o: ListOptions = {}) {
      requests.push({ method: "GET", path: `list ${r.plural}`, status: 200, ms: 0 });
      const items = data.objects.filter((x) =>
        x.kind === r.kind &&
        (!o.namespace || !r.namespaced || x.metadata.namespace === o.namespace) &&
        matches(x, o.labelSelector)
      );
      return Promise.resolve({ items: items as T[], resourceVersion: "1" });
    },
    get<T extends KubeObject>(r: ResourceDescriptor, name: string, namespace?: string) {
      const o = data.objects.find((x) =>
        x.kind === r.kind && x.metadata.name === name &&
        (!r.namespaced || x.metadata.namespace === namespace)
      );
      if (!o) {
        return Promise.reject(
          new ApiError({
            status: 404,
            reason: "NotFound",
            verb: "get",
            resource: r.plural,
            name,
            namespace,
          }),
        );
      }
      return Promise.resolve(o as T);
    },
    async proxyGet(namespace: string, pod: string, _port: number, _path: string) {
      self.proxyCalls++;
      inFlight++;
      self.maxInFlight = Math.max(self.maxInFlight, inFlight);
      try {
        if (data.latencyMs) await new Promise((r) => setTimeout(r, data.latencyMs));
        const status = data.proxyStatus;
        const m = data.metrics[pod];
        if (status || !m || !Array.isArray(m)) {
          const st = status ?? (m && !Array.isArray(m) ? m.status : 503);
          throw new ApiError({
            status: st,
            reason: st === 403 ? "Forbidden" : "ServiceUnavailable",
            verb: "get",
            resource: "pods/proxy",
            name: pod,
            namespace,
          });
        }
        const n = served.get(pod) ?? 0;
        served.set(pod, n + 1);
        return m[Math.min(n, m.length - 1)];
      } finally {
        inFlight--;
      }
    },
  };
  const unsupported = () => Promise.reject(new Error("not supported by the fake"));
  return Object.assign(self, {
    create: unsupported,
    replace: unsupported,
    patch: unsupported,
    delete: unsupported,
    getScale: unsupported,
    updateScale: unsupported,
    watch: () => {
      throw new Error("not supported");
    },
    logs: unsupported,
    getRaw: unsupported,
  }) as unknown as Kube & { proxyCalls: number; maxInFlight: number };
}

/** A pod of PodCliqueSet `pcs`. */
export function pod(
  pcs: string,
  name: string,
  o: {
    clique: string;
    sg?: string;
    sgReplica?: number;
    port?: number;
    image?: string;
    gpus?: number;
    node?: string;
    phase?: string;
    ready?: boolean;
    crashLoop?: boolean;
    gang?: string;
  },
): KubeObject {
  const labels: Record<string, string> = {
    "app.kubernetes.io/part-of": pcs,
    "app.kubernetes.io/managed-by": "grove-operator",
    "grove.io/podclique": o.clique,
    "grove.io/podcliqueset-replica-index": "0",
    "grove.io/podgang": o.gang ?? `${pcs}-0`,
  };
  if (o.sg) {
    labels["grove.io/podcliquescalinggroup"] = o.sg;
    labels["grove.io/podcliquescalinggroup-replica-index"] = String(o.sgReplica ?? 0);
  }
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "inference", labels },
    spec: {
      nodeName: o.node ?? "node-1",
      containers: [{
        name: "engine",
        image: o.image ?? "vllm/vllm-openai:v0.11.0",
        ports: o.port === undefined ? [] : [{ containerPort: o.port }],
        resources: { requests: { "nvidia.com/gpu": String(o.gpus ?? 1) } },
      }],
    },
    status: {
      phase: o.phase ?? "Running",
      podIP: "10.0.0.1",
      conditions: [{ type: "Ready", status: o.ready === false ? "False" : "True" }],
      containerStatuses: [{
        name: "engine",
        ready: o.ready !== false,
        restartCount: o.crashLoop ? 7 : 0,
        state: o.crashLoop ? { waiting: { reason: "CrashLoopBackOff" } } : { running: {} },
      }],
    },
  };
}

/** A PodCliqueSet object. */
export function pcsObject(name: string): KubeObject {
  return {
    apiVersion: "grove.io/v1alpha1",
    kind: "PodCliqueSet",
    metadata: { name, namespace: "inference" },
    spec: { replicas: 1, template: { cliques: [] } },
  };
}

/** A plan ConfigMap. */
export function planConfigMap(pcs: string, plan: unknown): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: `${pcs}-aic-plan`,
      namespace: "inference",
      labels: { "grove.io/aic-plan": pcs },
    },
    data: { "plan.json": typeof plan === "string" ? plan : JSON.stringify(plan) },
  };
}

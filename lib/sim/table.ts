/**
 * Server-side printing: the `meta.k8s.io/v1` Table the API server returns
 * when kubectl asks for `application/json;as=Table`, with the columns of the
 * real API server for core kinds and the CRDs' additionalPrinterColumns for
 * Grove kinds. Pure functions of objects and `now`.
 *
 * @module
 */

import type { ResourceDescriptor } from "../kube/resources.ts";
import type { KubeObject } from "../kube/types.ts";
import { jsonPath } from "./jsonpath.ts";

/** One column of a Table. */
export interface TableColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** A `meta.k8s.io/v1` Table. */
export interface Table {
  kind: "Table";
  apiVersion: "meta.k8s.io/v1";
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: TableColumn[];
  rows: { cells: unknown[]; object?: unknown }[];
}

/** What a row carries besides its cells (`includeObject`). */
export type IncludeObject = "None" | "Metadata" | "Object";

/** Kubernetes' human duration (`5m2s`, `3h`, `2d4h`), as `kubectl get` ages show. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    const y = Math.floor(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

function age(ts: string | undefined, now: number): string {
  if (!ts) return "<unknown>";
  const t = Date.parse(ts);
  return Number.isNaN(t) ? "<unknown>" : humanDuration(now - t);
}

function col(name: string, type = "string", priority = 0, format = ""): TableColumn {
  return { name, type, format, description: "", priority };
}

/** A CRD printer column. */
interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  priority?: number;
}

const MIN_BREACHED = '.status.conditions[?(@.type=="MinAvailableBreached")].status';
/** The additionalPrinterColumns of the Grove CRDs (fixtures/_crds), by kind. */
export const GROVE_PRINTER_COLUMNS: Record<string, PrinterColumn[]> = {
  PodCliqueSet: [
    { name: "Replicas", type: "integer", jsonPath: ".spec.replicas" },
    { name: "Available", type: "integer", jsonPath: ".status.availableReplicas" },
    { name: "Updated", type: "integer", jsonPath: ".status.updatedReplicas" },
    {
      name: "PCLQs-Updated",
      type: "integer",
      jsonPath: ".status.updateProgress.updatedPodCliquesCount",
    },
    {
      name: "PCLQs-Total",
      type: "integer",
      jsonPath: ".status.updateProgress.totalPodCliquesCount",
    },
    {
      name: "PCSGs-Updated",
      type: "integer",
      jsonPath: ".status.updateProgress.updatedPodCliqueScalingGroupsCount",
    },
    {
      name: "PCSGs-Total",
      type: "integer",
      jsonPath: ".status.updateProgress.totalPodCliqueScalingGroupsCount",
    },
    { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
  ],
  PodClique: [
    { name: "MinAvail", type: "integer", jsonPath: ".spec.minAvailable" },
    { name: "Replicas", type: "integer", jsonPath: ".spec.replicas" },
    { name: "Ready", type: "integer", jsonPath: ".status.readyReplicas" },
    { name: "Scheduled", type: "integer", jsonPath: ".status.scheduledReplicas" },
    { name: "Updated", type: "integer", jsonPath: ".status.updatedReplicas" },
    { name: "Gated", type: "integer", jsonPath: ".status.scheduleGatedReplicas", priority: 1 },
    { name: "MinBreached", type: "string", jsonPath: MIN_BREACHED, priority: 1 },
    { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
  ],
  PodCliqueScalingGroup: [
    { name: "MinAvail", type: "integer", jsonPath: ".spec.minAvailable" },
    { name: "Replicas", type: "integer", jsonPath: ".spec.replicas" },
    { name: "Available", type: "integer", jsonPath: ".status.availableReplicas" },
    { name: "Scheduled", type: "integer", jsonPath: ".status.scheduledReplicas" },
    { name: "Updated", type: "integer", jsonPath: ".status.updatedReplicas" },
    {
      name: "PCLQs-Updated",
      type: "integer",
      jsonPath: ".status.updateProgress.updatedPodCliquesCount",
    },
    {
      name: "PCLQs-Total",
      type: "integer",
      jsonPath: ".status.updateProgress.totalPodCliquesCount",
    },
    { name: "MinBreached", type: "string", jsonPath: MIN_BREACHED, priority: 1 },
    { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
  ],
  ClusterTopologyBinding: [
    { name: "Domains", type: "string", jsonPath: ".spec.levels[*].domain" },
    { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
  ],
  PodGang: [
    { name: "Phase", type: "string", jsonPath: ".status.phase" },
    { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
  ],
};

// deno-lint-ignore no-explicit-any
type Obj = any;

interface Printer {
  columns: TableColumn[];
  row(o: Obj, now: number): unknown[];
}

function crdPrinter(cols: PrinterColumn[]): Printer {
  return {
    columns: [
      col("Name", "string", 0, "name"),
      ...cols.map((c) => col(c.name, c.type, c.priority ?? 0)),
    ],
    row: (o, now) => [
      o.metadata.name,
      ...cols.map((c) => {
        let vals: unknown[];
        try {
          vals = jsonPath(o, c.jsonPath);
        } catch {
          vals = [];
        }
        if (!vals.length) return null;
        if (c.type === "date") return age(String(vals[0]), now);
        if (c.type === "integer" || c.type === "number") return vals[0];
        return vals.map((v) => (typeof v === "object" ? JSON.stringify(v) : String(v))).join(",");
      }),
    ],
  };
}

function podStatus(p: Obj, now: number): { ready: string; status: string; restarts: string } {
  const st = p.status ?? {};
  const total = p.spec?.containers?.length ?? 0;
  let reason: string = st.reason || st.phase || "Unknown";
  let readyCount = 0;
  let restarts = 0;
  let lastRestart = 0;
  let initializing = false;
  const inits = st.initContainerStatuses ?? [];
  for (const [i, c] of inits.entries()) {
    restarts += c.restartCount ?? 0;
    if (c.state?.terminated?.exitCode === 0) continue;
    if (c.state?.running && c.started) continue;
    initializing = true;
    if (c.state?.terminated) {
      reason = c.state.terminated.reason
        ? `Init:${c.state.terminated.reason}`
        : `Init:ExitCode:${c.state.terminated.exitCode}`;
    } else if (c.state?.waiting?.reason && c.state.waiting.reason !== "PodInitializing") {
      reason = `Init:${c.state.waiting.reason}`;
    } else reason = `Init:${i}/${(p.spec?.initContainers ?? []).length}`;
    break;
  }
  if (!initializing) {
    let hasRunning = false;
    const cs = [...(st.containerStatuses ?? [])].reverse();
    for (const c of cs) {
      restarts += c.restartCount ?? 0;
      const fin = c.lastState?.terminated?.finishedAt;
      if (fin) lastRestart = Math.max(lastRestart, Date.parse(fin) || 0);
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (c.state?.terminated) {
        reason = c.state.terminated.reason ||
          (c.state.terminated.signal
            ? `Signal:${c.state.terminated.signal}`
            : `ExitCode:${c.state.terminated.exitCode}`);
      } else if (c.ready && c.state?.running) {
        hasRunning = true;
        readyCount++;
      }
    }
    if (reason === "Completed" && hasRunning) reason = "Running";
  } else {
    for (const c of st.containerStatuses ?? []) restarts += c.restartCount ?? 0;
  }
  if (p.metadata.deletionTimestamp) reason = st.reason === "NodeLost" ? "Unknown" : "Terminating";
  return {
    ready: `${readyCount}/${total}`,
    status: reason,
    restarts: lastRestart
      ? `${restarts} (${humanDuration(now - lastRestart)} ago)`
      : String(restarts),
  };
}

const PRINTERS: Record<string, Printer> = {
  Pod: {
    columns: [
      col("Name", "string", 0, "name"),
      col("Ready"),
      col("Status"),
      col("Restarts", "string"),
      col("Age"),
      col("IP", "string", 1),
      col("Node", "string", 1),
      col("Nominated Node", "string", 1),
      col("Readiness Gates", "string", 1),
    ],
    row: (p, now) => {
      const s = podStatus(p, now);
      const gates = p.spec?.readinessGates ?? [];
      const conds = p.status?.conditions ?? [];
      const gatesText = gates.length
        ? `${
          gates.filter((g: Obj) =>
            conds.some((c: Obj) => c.type === g.conditionType && c.status === "True")
          ).length
        }/${gates.length}`
        : "<none>";
      return [
        p.metadata.name,
        s.ready,
        s.status,
        s.restarts,
        age(p.metadata.creationTimestamp, now),
        p.status?.podIP || "<none>",
        p.spec?.nodeName || "<none>",
        p.status?.nominatedNodeName || "<none>",
        gatesText,
      ];
    },
  },
  Node: {
    columns: [
      col("Name", "string", 0, "name"),
      col("Status"),
      col("Roles"),
      col("Age"),
      col("Version"),
      col("Internal-IP", "string", 1),
      col("External-IP", "string", 1),
      col("OS-Image", "string", 1),
      col("Kernel-Version", "string", 1),
      col("Container-Runtime", "string", 1),
    ],
    row: (n, now) => {
      const ready = (n.status?.conditions ?? []).find((c: Obj) => c.type === "Ready");
      let status = ready?.status === "True" ? "Ready" : ready ? "NotReady" : "Unknown";
      if (n.spec?.unschedulable) status += ",SchedulingDisabled";
      const roles = Object.keys(n.metadata.labels ?? {})
        .filter((l) => l.startsWith("node-role.kubernetes.io/"))
        .map((l) => l.slice("node-role.kubernetes.io/".length))
        .filter(Boolean);
      const addr = (t: string) =>
        (n.status?.addresses ?? []).find((a: Obj) => a.type === t)?.address || "<none>";
      const info = n.status?.nodeInfo ?? {};
      return [
        n.metadata.name,
        status,
        roles.length ? roles.sort().join(",") : "<none>",
        age(n.metadata.creationTimestamp, now),
        info.kubeletVersion ?? "",
        addr("InternalIP"),
        addr("ExternalIP"),
        info.osImage || "<unknown>",
        info.kernelVersion || "<unknown>",
        info.containerRuntimeVersion || "<unknown>",
      ];
    },
  },
  Event: {
    columns: [
      col("Last Seen"),
      col("Type"),
      col("Reason"),
      col("Object"),
      col("Subobject", "string", 1),
      col("Source", "string", 1),
      col("Message"),
      col("First Seen", "string", 1),
      col("Count", "string", 1),
      col("Name", "string", 1, "name"),
    ],
    row: (e, now) => {
      const last = e.lastTimestamp || e.eventTime || e.series?.lastObservedTime ||
        e.firstTimestamp || e.metadata.creationTimestamp;
      const io = e.involvedObject ?? {};
      return [
        age(last, now),
        e.type ?? "",
        e.reason ?? "",
        `${String(io.kind ?? "").toLowerCase()}/${io.name ?? ""}`,
        io.fieldPath ?? "",
        e.source?.component ?? e.reportingComponent ?? "",
        String(e.message ?? "").trim(),
        age(e.firstTimestamp || e.eventTime || e.metadata.creationTimestamp, now),
        String(e.count ?? 1),
        e.metadata.name,
      ];
    },
  },
  Namespace: {
    columns: [col("Name", "string", 0, "name"), col("Status"), col("Age")],
    row: (n, now) => [
      n.metadata.name,
      n.status?.phase ?? "Active",
      age(n.metadata.creationTimestamp, now),
    ],
  },
  ConfigMap: {
    columns: [col("Name", "string", 0, "name"), col("Data", "integer"), col("Age")],
    row: (c, now) => [
      c.metadata.name,
      Object.keys(c.data ?? {}).length + Object.keys(c.binaryData ?? {}).length,
      age(c.metadata.creationTimestamp, now),
    ],
  },
  Secret: {
    columns: [col("Name", "string", 0, "name"), col("Type"), col("Data", "integer"), col("Age")],
    row: (s, now) => [
      s.metadata.name,
      s.type ?? "Opaque",
      Object.keys(s.data ?? {}).length,
      age(s.metadata.creationTimestamp, now),
    ],
  },
  ControllerRevision: {
    columns: [
      col("Name", "string", 0, "name"),
      col("Controller"),
      col("Revision", "integer"),
      col("Age"),
    ],
    row: (c, now) => {
      const owner = (c.metadata.ownerReferences ?? []).find((o: Obj) => o.controller);
      const grp = owner?.apiVersion?.includes("/") ? `.${owner.apiVersion.split("/")[0]}` : "";
      return [
        c.metadata.name,
        owner ? `${owner.kind.toLowerCase()}${grp}/${owner.name}` : "<none>",
        c.revision ?? 0,
        age(c.metadata.creationTimestamp, now),
      ];
    },
  },
};

const DEFAULT_PRINTER: Printer = {
  columns: [col("Name", "string", 0, "name"), col("Created At", "date")],
  row: (o) => [o.metadata.name, o.metadata.creationTimestamp ?? ""],
};

function printerFor(r: ResourceDescriptor): Printer {
  const crd = GROVE_PRINTER_COLUMNS[r.kind];
  if (crd) return crdPrinter(crd);
  return PRINTERS[r.kind] ?? DEFAULT_PRINTER;
}

function rowObject(o: KubeObject, include: IncludeObject): unknown {
  if (include === "None") return undefined;
  if (include === "Object") return o;
  return { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: o.metadata };
}

/** Converts objects of one resource to a Table, as the API server does for `as=Table`. */
export function toTable(
  r: ResourceDescriptor,
  objects: readonly KubeObject[],
  opts: {
    now: number;
    includeObject?: IncludeObject;
    resourceVersion?: string;
    continue?: string;
    withColumns?: boolean;
  },
): Table {
  const p = printerFor(r);
  const include = opts.includeObject ?? "Metadata";
  const md: Table["metadata"] = {};
  if (opts.resourceVersion) md.resourceVersion = opts.resourceVersion;
  if (opts.continue) md.continue = opts.continue;
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: md,
    columnDefinitions: opts.withColumns === false ? [] : p.columns,
    rows: objects.map((o) => {
      const row: { cells: unknown[]; object?: unknown } = { cells: p.row(o, opts.now) };
      const obj = rowObject(o, include);
      if (obj !== undefined) row.object = obj;
      return row;
    }),
  };
}

/**
 * The status, health and topology reports inside a bundle, computed from the objects diag already collected:
 * no extra requests. Each report is written as text and as JSON.
 *
 * @module
 */

import type { KubeObject } from "../../lib/kube/types.ts";
import { toJson } from "../../lib/render/output.ts";
import { PLAIN } from "../../lib/render/style.ts";

/** Options of {@link diagReports}. */
export interface DiagReportOptions {
  /** Namespace of the collection. */
  namespace: string;
  /** All namespaces were collected. */
  allNamespaces?: boolean;
  /** The PodCliqueSet the bundle is about, if any. */
  pcs?: string;
  /** The moment of collection. */
  now: Date;
}

/** One rendered report file. */
export interface ReportFile {
  /** Bundle-relative path. */
  file: string;
  /** Contents. */
  text: string;
}

function flatten(objects: Record<string, unknown[]>): KubeObject[] {
  return Object.values(objects).flat() as KubeObject[];
}

/** Renders every available report for the bundle. A failing report is reported, the others still written. */
export async function diagReports(
  objects: Record<string, unknown[]>,
  opts: DiagReportOptions,
): Promise<ReportFile[]> {
  const all = flatten(objects);
  const files: ReportFile[] = [];
  const errors: string[] = [];
  const scope = {
    name: opts.pcs,
    namespace: opts.allNamespaces ? undefined : opts.namespace,
    all: !opts.pcs,
    allNamespaces: !!opts.allNamespaces,
  };
  try {
    const { buildStatusReport, selectStatusObjects, renderStatus } = await import(
      "../status/mod.ts"
    );
    const report = buildStatusReport(selectStatusObjects(all, scope), { now: opts.now });
    files.push({ file: "reports/status.txt", text: renderStatus(report, { wide: true }) });
    files.push({ file: "reports/status.json", text: toJson(report) });
  } catch (e) {
    errors.push(`status: ${(e as Error).message}`);
  }
  const ns = opts.allNamespaces ? undefined : opts.namespace;
  try {
    const { buildHealthReport, healthObjectsFrom, renderHealth } = await import("../health/mod.ts");
    const report = buildHealthReport(healthObjectsFrom(all, { namespace: ns, pcs: opts.pcs }), {
      now: opts.now,
      pcs: opts.pcs,
    });
    files.push({ file: "reports/health.txt", text: renderHealth(report, PLAIN) });
    files.push({ file: "reports/health.json", text: toJson(report) });
  } catch (e) {
    errors.push(`health: ${(e as Error).message}`);
  }
  try {
    const { buildTopologyReport, topologyObjectsFrom, renderTopology } = await import(
      "../topology/mod.ts"
    );
    for (const cluster of [false, true]) {
      const topoOpts = { namespace: ns, pcs: opts.pcs, cluster };
      const report = buildTopologyReport(topologyObjectsFrom(all, topoOpts), {
        now: opts.now,
        ...topoOpts,
      });
      const name = cluster ? "topology-cluster" : "topology";
      files.push({ file: `reports/${name}.txt`, text: renderTopology(report, PLAIN) });
      files.push({ file: `reports/${name}.json`, text: toJson(report) });
    }
  } catch (e) {
    errors.push(`topology: ${(e as Error).message}`);
  }
  if (errors.length) throw new Error(`some reports failed: ${errors.join("; ")}`);
  return files;
}

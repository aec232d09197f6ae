/**
 * What a template says at a glance: image, replicas and GPUs per pod of each
 * role, and the differences between two templates in those terms.
 *
 * @module
 */

import { GPU_RESOURCE } from "../grove/labels.ts";
import { parseQuantity } from "../grove/relations.ts";
import type { Container, PodCliqueSetTemplateSpec } from "../grove/types.ts";

/** One clique of a template, summarised. */
export interface RoleSummary {
  /** Clique template name. */
  clique: string;
  /** Role (roleName, else the clique name). */
  role: string;
  /** Pods per clique. */
  replicas: number;
  /** Images by container name (main containers). */
  images: Record<string, string>;
  /** GPUs one pod requests (sum over containers). */
  gpusPerPod: number;
}

/** GPUs a container asks for (limits, else requests). */
function containerGpus(c: Container): number {
  const q = c.resources?.limits?.[GPU_RESOURCE] ?? c.resources?.requests?.[GPU_RESOURCE];
  return parseQuantity(q) ?? 0;
}

/**
 * Summarises every clique of a template.
 *
 * @example
 * ```ts
 * import { summarizeTemplate } from "./summary.ts";
 * summarizeTemplate({ cliques: [{ name: "worker", spec: { roleName: "worker", replicas: 2,
 *   podSpec: { containers: [{ name: "vllm", image: "vllm:0.11" }] } } }] });
 * // [{ clique: "worker", role: "worker", replicas: 2, images: { vllm: "vllm:0.11" }, gpusPerPod: 0 }]
 * ```
 */
export function summarizeTemplate(t: PodCliqueSetTemplateSpec | undefined): RoleSummary[] {
  return (t?.cliques ?? []).map((c) => {
    const containers = c.spec?.podSpec?.containers ?? [];
    return {
      clique: c.name,
      role: c.spec?.roleName || c.name,
      replicas: c.spec?.replicas ?? 0,
      images: Object.fromEntries(containers.map((x) => [x.name, x.image ?? ""])),
      gpusPerPod: containers.reduce((n, x) => n + containerGpus(x), 0),
    };
  });
}

/** Distinct images of a template, in order of first appearance. */
export function templateImages(t: PodCliqueSetTemplateSpec | undefined): string[] {
  const out: string[] = [];
  for (const r of summarizeTemplate(t)) {
    for (const img of Object.values(r.images)) if (img && !out.includes(img)) out.push(img);
  }
  return out;
}

/**
 * The changes from `before` to `after` in image, replicas and GPUs per pod,
 * one short line each (`worker image vllm: a -> b`).
 *
 * @example
 * ```ts
 * import { summaryChanges } from "./summary.ts";
 * const t = (img: string) => ({ cliques: [{ name: "w", spec: { roleName: "w", replicas: 1,
 *   podSpec: { containers: [{ name: "c", image: img }] } } }] });
 * summaryChanges(t("a"), t("b")); // ["w image c: a -> b"]
 * ```
 */
export function summaryChanges(
  before: PodCliqueSetTemplateSpec | undefined,
  after: PodCliqueSetTemplateSpec | undefined,
): string[] {
  const a = new Map(summarizeTemplate(before).map((r) => [r.clique, r]));
  const b = summarizeTemplate(after);
  const out: string[] = [];
  for (const r of b) {
    const o = a.get(r.clique);
    if (!o) {
      out.push(`${r.role} added (${r.replicas} pods)`);
      continue;
    }
    for (const [c, img] of Object.entries(r.images)) {
      if (o.images[c] === undefined) out.push(`${r.role} container ${c} added (${img})`);
      else if (o.images[c] !== img) out.push(`${r.role} image ${c}: ${o.images[c]} -> ${img}`);
    }
    for (const c of Object.keys(o.images)) {
      if (r.images[c] === undefined) out.push(`${r.role} container ${c} removed`);
    }
    if (o.replicas !== r.replicas) out.push(`${r.role} replicas: ${o.replicas} -> ${r.replicas}`);
    if (o.gpusPerPod !== r.gpusPerPod) {
      out.push(`${r.role} GPUs/pod: ${o.gpusPerPod} -> ${r.gpusPerPod}`);
    }
  }
  const now = new Set(b.map((r) => r.clique));
  for (const [name, o] of a) if (!now.has(name)) out.push(`${o.role} removed`);
  return out;
}

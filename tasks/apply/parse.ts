/**
 * Reading a PodCliqueSet manifest for `apply -f`: YAML or JSON, one or more
 * documents, every error naming the file and the line. Pure.
 *
 * @module
 */

import { yamlLoadAll } from "../../lib/deps.ts";
import { GroveError } from "../../lib/errors.ts";
import type { PodCliqueSet } from "../../lib/grove/types.ts";

/** One PodCliqueSet read from a file. */
export interface ManifestDoc {
  /** The object. */
  pcs: PodCliqueSet;
  /** 1-based line where its document starts. */
  line: number;
}

function docStartLines(text: string): number[] {
  const lines = text.split("\n");
  const starts = [1];
  lines.forEach((l, i) => {
    if (/^---(\s|$)/.test(l) && i > 0) starts.push(i + 2);
    else if (/^---(\s|$)/.test(l) && i === 0) starts[0] = 2;
  });
  return starts;
}

/**
 * Parses manifest text into PodCliqueSets. Empty documents are skipped; a
 * malformed file or any document that is not a `grove.io/v1alpha1`
 * PodCliqueSet is an error with `file:line`.
 *
 * @example
 * ```ts
 * import { parseManifest } from "./parse.ts";
 * const docs = parseManifest(
 *   "apiVersion: grove.io/v1alpha1\nkind: PodCliqueSet\nmetadata: {name: d}\nspec: {template: {cliques: []}}\n",
 *   "d.yaml",
 * );
 * docs[0].pcs.metadata.name; // "d"
 * ```
 */
export function parseManifest(text: string, file: string): ManifestDoc[] {
  let docs: unknown[];
  try {
    docs = yamlLoadAll(text) as unknown[];
  } catch (e) {
    const m = e as { mark?: { line: number; column: number }; reason?: string };
    const where = m.mark ? `${file}:${m.mark.line + 1}:${m.mark.column + 1}` : file;
    throw new GroveError(`${where}: not valid YAML: ${m.reason ?? (e as Error).message}`, {
      hint: "fix the file (kubectl grove apply reads YAML or JSON PodCliqueSet manifests)",
    });
  }
  const starts = docStartLines(text);
  const out: ManifestDoc[] = [];
  docs.forEach((d, i) => {
    const line = starts[i] ?? 1;
    if (d === null || d === undefined) return;
    const where = `${file}:${line}`;
    if (typeof d !== "object" || Array.isArray(d)) {
      throw new GroveError(`${where}: document ${i + 1} is not an object`, {
        hint: "a manifest holds Kubernetes objects (apiVersion, kind, metadata, spec)",
      });
    }
    const o = d as Record<string, unknown>;
    const md = o.metadata as { name?: unknown } | undefined;
    if (
      o.kind !== "PodCliqueSet" || typeof o.apiVersion !== "string" ||
      !o.apiVersion.startsWith("grove.io/")
    ) {
      throw new GroveError(
        `${where}: document ${i + 1} is a ${String(o.kind ?? "(no kind)")} (${
          String(o.apiVersion ?? "no apiVersion")
        }), not a PodCliqueSet`,
        {
          hint:
            "kubectl grove apply takes grove.io/v1alpha1 PodCliqueSets; use kubectl apply for other kinds",
        },
      );
    }
    if (!md || typeof md.name !== "string" || !md.name) {
      throw new GroveError(`${where}: the PodCliqueSet has no metadata.name`, {
        hint: "give it a name: metadata: { name: my-llm }",
      });
    }
    const spec = o.spec as { template?: { cliques?: unknown } } | undefined;
    if (!spec || typeof spec !== "object" || !spec.template || typeof spec.template !== "object") {
      throw new GroveError(`${where}: podcliqueset "${md.name}" has no spec.template`, {
        hint: "a PodCliqueSet needs spec.template.cliques",
      });
    }
    out.push({ pcs: o as unknown as PodCliqueSet, line });
  });
  if (!out.length) {
    throw new GroveError(`${file}: no PodCliqueSet in the file`, { hint: "the file is empty" });
  }
  return out;
}

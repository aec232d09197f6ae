/**
 * Dynamic completion candidates from the kubeconfig and the cluster, with a
 * short deadline and no error on failure (completion must never hang or
 * print errors into the user's shell).
 *
 * @module
 */

import { raceSleep, SLEPT } from "../lib/async.ts";
import type { CompletionSources } from "./complete.ts";
import type { CliContext } from "./context.ts";

const DEADLINE_MS = 2000;

async function withDeadline<T>(p: Promise<T>, fallback: T): Promise<T> {
  const got = await raceSleep(p.catch(() => fallback), DEADLINE_MS);
  return got === SLEPT ? fallback : got;
}

/** Reads `--kubeconfig`, `--context` and `-n` from the words typed so far. */
export function globalsFromWords(
  words: string[],
): { kubeconfig?: string; context?: string; namespace?: string } {
  const out: { kubeconfig?: string; context?: string; namespace?: string } = {};
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const [flag, inline] = w.includes("=")
      ? [w.slice(0, w.indexOf("=")), w.slice(w.indexOf("=") + 1)]
      : [w, undefined];
    const value = () => inline ?? words[++i];
    if (flag === "--kubeconfig") out.kubeconfig = value();
    else if (flag === "--context") out.context = value();
    else if (flag === "-n" || flag === "--namespace") out.namespace = value();
  }
  return out;
}

/** Candidate sources that use the context's connection settings. */
export function clusterSources(ctx: CliContext, words: string[]): CompletionSources {
  ctx.globals = { ...globalsFromWords(words), requestTimeout: "2s" };
  const kube = () => ctx.kube();
  return {
    podCliqueSets: (namespace) =>
      withDeadline(
        (async () => {
          const { Resources } = await import("../lib/kube/resources.ts");
          const k = await kube();
          const list = await k.list(Resources.podcliquesets, {
            namespace: namespace ?? k.namespace,
          });
          return list.items.map((i) => i.metadata.name).sort();
        })(),
        [],
      ),
    roles: (pcs, namespace) =>
      withDeadline(
        (async () => {
          const { Resources } = await import("../lib/kube/resources.ts");
          const k = await kube();
          const list = await k.list(Resources.podcliques, {
            namespace: namespace ?? k.namespace,
            labelSelector: `app.kubernetes.io/part-of=${pcs}`,
          });
          const roles = new Set<string>();
          for (const c of list.items) {
            roles.add(
              String(
                c.spec?.roleName ?? c.metadata.labels?.["app.kubernetes.io/component"] ??
                  c.metadata.name,
              ),
            );
          }
          return [...roles].sort();
        })(),
        [],
      ),
    namespaces: () =>
      withDeadline(
        (async () => {
          const { Resources } = await import("../lib/kube/resources.ts");
          const list = await (await kube()).list(Resources.namespaces);
          return list.items.map((i) => i.metadata.name).sort();
        })(),
        [],
      ),
    contexts: () =>
      withDeadline(
        (async () => {
          const { findKubeconfigFiles, loadKubeconfigFiles } = await import(
            "../lib/kube/kubeconfig.ts"
          );
          const env = Object.fromEntries(
            ["KUBECONFIG", "HOME", "USERPROFILE"].map((k) => [k, ctx.io.env(k)]),
          );
          const files = findKubeconfigFiles({ kubeconfig: ctx.globals.kubeconfig, env });
          return [...(await loadKubeconfigFiles(files.files)).contexts.keys()].sort();
        })(),
        [],
      ),
  };
}

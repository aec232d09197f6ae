/**
 * The kubeconfig the simulated cluster writes: one cluster with the run's CA,
 * contexts `sim` (admin token, current) and `sim-readonly`.
 *
 * @module
 */

import { yamlDump } from "../deps.ts";

/** What the kubeconfig needs. */
export interface SimKubeconfigInput {
  server: string;
  caCert: string;
  adminToken: string;
  readOnlyToken: string;
  namespace: string;
}

function b64(s: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(s)));
}

/** Renders the kubeconfig YAML. */
export function renderKubeconfig(i: SimKubeconfigInput): string {
  return yamlDump({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{
      name: "sim",
      cluster: { server: i.server, "certificate-authority-data": b64(i.caCert) },
    }],
    users: [
      { name: "sim-admin", user: { token: i.adminToken } },
      { name: "sim-readonly", user: { token: i.readOnlyToken } },
    ],
    contexts: [
      { name: "sim", context: { cluster: "sim", user: "sim-admin", namespace: i.namespace } },
      {
        name: "sim-readonly",
        context: { cluster: "sim", user: "sim-readonly", namespace: i.namespace },
      },
    ],
    "current-context": "sim",
    preferences: {},
  });
}

/** Writes the kubeconfig with mode 0600 (a new temp file when no path is given); returns the path. */
export async function writeKubeconfig(text: string, path?: string): Promise<string> {
  const p = path ??
    await Deno.makeTempFile({ prefix: "kubectl-grove-sim-", suffix: ".kubeconfig" });
  await Deno.writeTextFile(p, text, { mode: 0o600 });
  if (Deno.build.os !== "windows") await Deno.chmod(p, 0o600);
  return p;
}

/**
 * In-cluster configuration from the pod's service account, used when no
 * kubeconfig exists and `KUBERNETES_SERVICE_HOST` is set (as kubectl does).
 *
 * @module
 */

import { ConfigError } from "../errors.ts";
import type { ResolvedConfig } from "./kubeconfig.ts";

/** Where Kubernetes mounts the service account. */
export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/** True when the environment says we run in a pod and the token file exists. */
export function inClusterAvailable(
  env: Record<string, string | undefined>,
  dir: string = SERVICE_ACCOUNT_DIR,
): boolean {
  if (!env.KUBERNETES_SERVICE_HOST || !env.KUBERNETES_SERVICE_PORT) return false;
  try {
    return Deno.statSync(`${dir}/token`).isFile;
  } catch {
    return false;
  }
}

/**
 * Builds the configuration of the pod's service account: server from
 * `KUBERNETES_SERVICE_HOST`/`_PORT`, CA `ca.crt`, token file `token`
 * (re-read by the client), namespace from `namespace`.
 */
export function loadInClusterConfig(
  env: Record<string, string | undefined>,
  dir: string = SERVICE_ACCOUNT_DIR,
): ResolvedConfig {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) {
    throw new ConfigError("not running in a cluster: KUBERNETES_SERVICE_HOST/PORT are not set");
  }
  const read = (f: string, required: boolean): string | undefined => {
    try {
      return Deno.readTextFileSync(`${dir}/${f}`);
    } catch (e) {
      if (!required) return undefined;
      throw new ConfigError(`in-cluster config: cannot read service account ${f} "${dir}/${f}"`, {
        hint: "is automountServiceAccountToken disabled for this pod? or pass --kubeconfig",
        cause: e,
      });
    }
  };
  read("token", true);
  const ca = read("ca.crt", false);
  const ns = read("namespace", false)?.trim();
  const h = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  return {
    contextName: "in-cluster",
    clusterName: "in-cluster",
    userName: "service-account",
    namespace: ns || undefined,
    cluster: {
      server: `https://${h}:${port}`,
      caCerts: ca ? [ca] : undefined,
      caSource: ca ? `${dir}/ca.crt` : undefined,
      caDataBase64: ca ? btoa(ca) : undefined,
      insecureSkipTlsVerify: false,
    },
    user: { tokenFile: `${dir}/token` },
    files: [],
    inCluster: true,
  };
}

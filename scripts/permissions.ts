/**
 * The Deno permissions kubectl-grove needs, with the reason for each. Used
 * by `deno task compile` and the `deno install` instructions; no blanket -A.
 *
 * @module
 */

/** Permission flags and why each is needed. */
export const PERMISSIONS: { flag: string; why: string }[] = [
  {
    flag: "--allow-net",
    why: "the Kubernetes API server, pod metrics (--direct), the local simulated cluster",
  },
  {
    flag: "--allow-read",
    why: "kubeconfig, certificates, the config file, manifests, plans, diag bundles, fixtures",
  },
  {
    flag: "--allow-write",
    why: "diag bundles, generated manifests, the simulated cluster's kubeconfig",
  },
  {
    flag: "--allow-env",
    why:
      "KUBECONFIG, HOME, XDG_CONFIG_HOME, NO_COLOR, TERM, KUBECTL_GROVE_*; exec credential plugins",
  },
  {
    flag: "--allow-run",
    why: "exec credential plugins (kubelogin, aws, gke-gcloud-auth-plugin) and aiconfigurator",
  },
];

/** Just the flags. */
export const PERMISSION_FLAGS: string[] = PERMISSIONS.map((p) => p.flag);

/**
 * V8 flags the executable is built with: `--optimize-for-size` keeps the
 * peak RSS of a whole-cluster `diag -A` of 2,500 pods near 150 MB instead of
 * 230 MB, at no measurable cost in wall time (bench/run.ts).
 */
export const V8_FLAGS: string[] = ["--v8-flags=--optimize-for-size"];

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
 * V8 flags the executable is built with: a young generation of 2 MB
 * semi-spaces. The cut-down list items (lib/kube/fields.ts) outlive the
 * parse garbage around them; a small young generation keeps the peak RSS
 * of `status --all -A` on 25,000 pods near 180 MB (330 MB with V8's
 * defaults) at about half the CPU time of `--optimize-for-size` (2.9 s
 * against 5.2 s; bench/run.ts, issue 24).
 */
export const V8_FLAGS: string[] = ["--v8-flags=--max-semi-space-size=2"];

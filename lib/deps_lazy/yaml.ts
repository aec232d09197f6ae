/**
 * Lazily loaded: js-yaml's `load`, for code paths (kubeconfig reading in
 * `lib/kube`) that must not pull in `lib/deps.ts` and its commander import
 * when used as a library. Same pinned version as `lib/deps.ts`.
 * @module
 */
export { load as yamlLoad } from "npm:js-yaml@5.5.0";

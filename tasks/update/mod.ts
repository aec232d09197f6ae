/**
 * `update` as a library: change a PodCliqueSet's image (one role or every
 * one) through the write pipeline: preview with placement and GPU-fit
 * checks, server dry-run, confirmation, write, recorded revision.
 *
 * @module
 */

export {
  type AffectedRole,
  type ImageTarget,
  type ImageUpdateRequest,
  type UpdatePlan,
} from "./plan.ts";
export { updateImage, type UpdateImageOptions } from "./run.ts";

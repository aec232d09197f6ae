/** Build facts baked in by `deno task compile`; `dev` when run from source. @module */

/** Git commit of the build. */
export const BUILD_COMMIT = "dev";
/** Build date of the build. */
export const BUILD_DATE = "dev";

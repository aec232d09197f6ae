/**
 * What a change returns. The write pipeline itself (preview, server
 * dry-run, confirmation, write, revision) is `lib/change/`.
 *
 * @module
 */

export type { ChangeResult } from "../../lib/change/run.ts";

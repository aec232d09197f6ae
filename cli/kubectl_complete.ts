/**
 * Entry of `kubectl_complete-grove`: kubectl (>= 1.26) runs it with the
 * words typed after `kubectl grove` to complete plugin arguments.
 *
 * @module
 */

import { main } from "./main.ts";

if (import.meta.main) {
  Deno.exit(await main(["__complete", ...Deno.args]));
}

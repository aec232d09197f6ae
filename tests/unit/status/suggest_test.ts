// Close names for an unknown PodCliqueSet.
import { assertEquals } from "../../helpers/assert.ts";
import { closeNames, editDistance } from "../../../lib/grove/suggest.ts";

Deno.test("suggest: edit distance", () => {
  assertEquals(editDistance("", "abc"), 3);
  assertEquals(editDistance("kitten", "sitting"), 3);
  assertEquals(editDistance("same", "same"), 0);
});

Deno.test("suggest: typos, prefixes and substrings, best first; unrelated names are left out", () => {
  const names = ["qwen-disagg", "qwen-agg", "llama-disagg", "sglang-chat"];
  assertEquals(closeNames("qwen-dissag", names), ["qwen-disagg"]);
  assertEquals(closeNames("qwen", names), ["qwen-agg", "qwen-disagg"]);
  assertEquals(
    closeNames("disagg", names),
    ["qwen-disagg", "llama-disagg"].sort((a, b) => a.length - b.length),
  );
  assertEquals(closeNames("mistral", names), []);
  assertEquals(closeNames("QWEN-AGG", names), ["qwen-agg"]);
  assertEquals(closeNames("a", ["b", "c", "d", "e", "f", "g"], 3).length, 3);
});

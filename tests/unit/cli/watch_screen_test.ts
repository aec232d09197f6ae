// The --watch screen (issue 25 item 10): frames redraw in place on the alternate screen (no
// full-screen clear that pushes a copy into the scrollback), and the last report stays on the
// normal screen when the watch ends; the footer's time is UTC.
import { assert, assertEquals } from "../../helpers/assert.ts";
import { watchFooter, WatchScreen } from "../../../cli/watch_screen.ts";

Deno.test("watch screen: alternate screen, redraw in place, last frame left behind", () => {
  let out = "";
  const s = new WatchScreen((t) => (out += t));
  s.close(); // nothing drawn: nothing to restore
  assertEquals(out, "");
  s.frame("a long first line\nsecond\n", "(footer)");
  s.frame("short\n", "(footer)");
  s.close();
  s.close(); // idempotent
  assert(!out.includes("\x1b[2J"), "no full-screen clear");
  assertEquals(out.split("\x1b[?1049h").length - 1, 1, "enters the alternate screen once");
  // the second frame overwrites each line to its end and clears what was below
  assert(out.includes("\x1b[Hshort\x1b[K\n\x1b[K\n(footer)\x1b[K\n\x1b[J"), JSON.stringify(out));
  // after leaving, the last body (without the footer) is printed once on the normal screen
  assert(out.endsWith("\x1b[?1049lshort\n"), JSON.stringify(out));
});

Deno.test("watch footer: UTC time, what refreshes it", () => {
  assertEquals(
    watchFooter("countdowns tick every second", "2026-11-01T23:59:58.700Z"),
    "(watching; countdowns tick every second; updated 23:59:58Z; Ctrl-C to stop)",
  );
  assertEquals(
    watchFooter("", Date.UTC(2026, 0, 2, 3, 4, 5)),
    "(watching; updated 03:04:05Z; Ctrl-C to stop)",
  );
});

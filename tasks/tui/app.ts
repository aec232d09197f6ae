/**
 * The ink side of the TUI: one React component that draws the controller's
 * lines and forwards keys. Loaded only by `tui` (ink + react cost ~186 ms),
 * through a literal dynamic import.
 *
 * @module
 */

import type { TuiController } from "./controller.ts";
import type { Line, Palette } from "./lines.ts";

/** Ink's module, loaded once. */
export type InkModule = typeof import("../../lib/deps_lazy/ink.ts");

/** Loads ink and react (React's production build unless NODE_ENV says otherwise). */
export async function loadInk(): Promise<InkModule> {
  try {
    if (Deno.env.get("NODE_ENV") === undefined) Deno.env.set("NODE_ENV", "production");
  } catch {
    // no env permission: React's development build still works, only slower
  }
  return await import("../../lib/deps_lazy/ink.ts");
}

/** Builds the React element tree of a frame (also used by render tests). */
export function frameElement(ink: InkModule, lines: Line[], palette: Palette) {
  const { React, Box, Text } = ink;
  const h = React.createElement;
  return h(
    Box,
    { flexDirection: "column" },
    ...lines.map((l, i) =>
      h(
        Text,
        { key: i, wrap: "truncate" },
        ...l.segments.map((s, j) =>
          h(Text, {
            key: j,
            color: palette[s.tone ?? "normal"],
            bold: s.bold,
            inverse: l.selected,
          }, s.text)
        ),
        // an empty line still takes its row (ink drops a Text with no characters)
        l.segments.every((s) => s.text === "") ? " " : null,
      )
    ),
  );
}

/** The root component: redraws on every controller change, forwards keys. */
export function makeApp(ink: InkModule, controller: TuiController, palette: Palette) {
  const { React, useInput } = ink;
  return function App() {
    const [, bump] = React.useState(0);
    React.useEffect(() => controller.subscribe(() => bump((n: number) => n + 1)), []);
    useInput((input, key) => {
      try {
        controller.key(input, key);
      } catch (e) {
        controller.fail(e);
      }
    });
    let lines: Line[] = [];
    try {
      lines = controller.frame();
    } catch (e) {
      controller.fail(e);
    }
    return frameElement(ink, lines, palette);
  };
}

/**
 * Indented trees (`├─`/`└─` on a TTY, `|-`/`` `- `` otherwise).
 *
 * @module
 */

import { displayWidth, type Style } from "./style.ts";
import { wrapLine } from "./wrap.ts";

/** A node of a tree: its line and its children. */
export interface TreeNode {
  /** The text on this node's line. */
  label: string;
  /** Child nodes. */
  children?: TreeNode[];
}

/**
 * Renders a forest of nodes, one line per node; with `width`, a label that
 * does not fit wraps onto lines that keep the tree's vertical lines.
 *
 * @example
 * ```ts
 * import { renderTree } from "./tree.ts";
 * import { PLAIN } from "./style.ts";
 * console.log(renderTree([{ label: "zone-a", children: [{ label: "rack-1" }] }], PLAIN));
 * // zone-a
 * // `- rack-1
 * ```
 */
export function renderTree(roots: TreeNode[], style: Style, width?: number): string {
  const [tee, elbow, pipe, blank] = style.unicode
    ? ["├─ ", "└─ ", "│  ", "   "]
    : ["|- ", "`- ", "|  ", "   "];
  const out: string[] = [];
  const walk = (nodes: TreeNode[], prefix: string, top: boolean) => {
    nodes.forEach((n, i) => {
      const last = i === nodes.length - 1;
      const lead = top ? "" : prefix + (last ? elbow : tee);
      const childPrefix = top ? "" : prefix + (last ? blank : pipe);
      const hasChildren = !!n.children?.length;
      if (width === undefined || displayWidth(lead + n.label) <= width) {
        out.push(lead + n.label);
      } else {
        // continuation lines sit under the label, behind the children's vertical line
        const cont = childPrefix + (hasChildren ? pipe : blank);
        const room = Math.max(20, width - displayWidth(cont));
        const [first, ...rest] = wrapLine(n.label, room);
        out.push(lead + first);
        for (const l of rest) out.push(cont + l.trimStart());
      }
      if (hasChildren) walk(n.children!, childPrefix, false);
    });
  };
  walk(roots, "", true);
  return out.join("\n") + (out.length ? "\n" : "");
}

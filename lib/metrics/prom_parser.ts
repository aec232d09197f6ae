/**
 * A parser for the Prometheus text exposition format (version 0.0.4, plus the
 * OpenMetrics bits engines emit in practice: `# EOF`, `_created` series).
 *
 * It handles HELP/TYPE metadata (and attaches `_bucket`, `_count`, `_sum`,
 * `_created`, `_total` samples to their family), label values with the
 * escapes `\\`, `\"` and `\n`, exponents, `NaN`, `+Inf`/`-Inf`, optional
 * timestamps, blank lines, comments and CRLF line ends.
 *
 * Strict mode throws {@link PromParseError} naming the line and the problem.
 * Lenient mode (for truncated or partly broken scrapes) records each problem
 * as a note, skips that line and keeps every valid sample. Either way the
 * parser throws nothing but {@link PromParseError}.
 *
 * @module
 */

import { GroveError } from "../errors.ts";

/** A metric family type (Prometheus text format and OpenMetrics). */
export type MetricType =
  | "counter"
  | "gauge"
  | "histogram"
  | "summary"
  | "untyped"
  | "unknown"
  | "info"
  | "stateset"
  | "gaugehistogram";

const TYPES: ReadonlySet<string> = new Set([
  "counter",
  "gauge",
  "histogram",
  "summary",
  "untyped",
  "unknown",
  "info",
  "stateset",
  "gaugehistogram",
]);

/** One sample line. */
export interface Sample {
  /** The sample's own name, e.g. `vllm:e2e_request_latency_seconds_bucket`. */
  name: string;
  /** Labels in the order written. */
  labels: Record<string, string>;
  /** The value; NaN and ±Infinity are kept as such. */
  value: number;
  /** Optional timestamp in milliseconds since the epoch. */
  timestampMs?: number;
  /** 1-based line number in the scrape. */
  line: number;
}

/** A metric family: metadata plus its samples. */
export interface MetricFamily {
  /** Family name (the TYPE/HELP name). */
  name: string;
  /** Declared type, `untyped` when there was no TYPE line. */
  type: MetricType;
  /** HELP text (unescaped), if any. */
  help?: string;
  /** Samples in scrape order. */
  samples: Sample[];
}

/** A problem found while parsing (an error in strict mode, a note in lenient mode). */
export interface ParseNote {
  /** 1-based line number. */
  line: number;
  /** What is wrong. */
  message: string;
}

/** The result of parsing one scrape. */
export interface ParsedScrape {
  /** Families by name, in order of first appearance. */
  families: Map<string, MetricFamily>;
  /** Samples by their sample name (e.g. `x_bucket`), for fast lookups. */
  bySample: Map<string, Sample[]>;
  /** Problems met in lenient mode (empty in strict mode). */
  notes: ParseNote[];
  /** Number of samples kept. */
  sampleCount: number;
}

/** Options of {@link parsePrometheusText}. */
export interface ParseOptions {
  /** Collect errors as notes and keep valid samples instead of throwing. */
  lenient?: boolean;
  /** What the text came from (a pod name), used in error messages. */
  source?: string;
}

/**
 * The only error the parser throws: it names the source, the line and the
 * problem.
 *
 * @example
 * ```ts
 * import { parsePrometheusText, PromParseError } from "./prom_parser.ts";
 * try {
 *   parsePrometheusText('up{job="a} 1\n', { source: "pod/x" });
 * } catch (e) {
 *   if (e instanceof PromParseError) console.log(e.line); // 1
 * }
 * ```
 */
export class PromParseError extends GroveError {
  /** 1-based line number of the problem. */
  readonly line: number;
  /** The source named in the options, if any. */
  readonly source?: string;
  /** Builds the error; the message is `<source>: line N: <problem>`. */
  constructor(line: number, problem: string, source?: string) {
    super(`${source ? `${source}: ` : ""}metrics text line ${line}: ${problem}`, {
      hint:
        "the engine's /metrics output is malformed or was cut off; fetch it again, or check the engine version",
    });
    this.name = "PromParseError";
    this.line = line;
    this.source = source;
  }
}

/** Character classes by char code (faster than a regular expression per character). */
function isAlpha(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95; // a-z A-Z _
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
const NAME_START = {
  test: (ch: string | undefined) => !!ch && (isAlpha(ch.charCodeAt(0)) || ch === ":"),
};
const NAME_CHAR = {
  test: (ch: string | undefined) => {
    if (!ch) return false;
    const c = ch.charCodeAt(0);
    return isAlpha(c) || isDigit(c) || c === 58;
  },
};
function nameCharAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return isAlpha(c) || isDigit(c) || c === 58;
}
function labelCharAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return isAlpha(c) || isDigit(c);
}
const FLOAT_RE = /^[+-]?(?:\d+(?:_\d+)*\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)$/;
const HEX_RE = /^[+-]?0[xX][0-9a-fA-F]+$/;

/**
 * Parses a number the way Prometheus does (Go's ParseFloat): decimals,
 * exponents, `NaN`, `Inf`, `+Inf`, `-Inf` (any case). Returns undefined when
 * the text is not a number.
 *
 * @example
 * ```ts
 * import { parsePromNumber } from "./prom_parser.ts";
 * parsePromNumber("4.5e+010"); // 45000000000
 * parsePromNumber("+Inf"); // Infinity
 * ```
 */
export function parsePromNumber(s: string): number | undefined {
  if (FLOAT_RE.test(s)) return Number(s.replaceAll("_", ""));
  const l = s.toLowerCase();
  if (l === "nan" || l === "+nan" || l === "-nan") return NaN;
  if (l === "inf" || l === "+inf" || l === "infinity" || l === "+infinity") return Infinity;
  if (l === "-inf" || l === "-infinity") return -Infinity;
  if (HEX_RE.test(s)) return Number(s.startsWith("-") ? -Number(s.slice(1)) : s.replace("+", ""));
  return undefined;
}

/** Sets a label without ever touching the object's prototype (`__proto__` is a valid label name). */
function setLabel(labels: Record<string, string>, k: string, v: string): void {
  if (k !== "__proto__") {
    labels[k] = v;
    return;
  }
  Object.defineProperty(labels, k, {
    value: v,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

class LineError {
  constructor(readonly message: string) {}
}

function unescapeHelp(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "\\" && i + 1 < s.length) {
      const n = s[i + 1];
      if (n === "\\") out += "\\", i++;
      else if (n === "n") out += "\n", i++;
      else out += c;
    } else out += c;
  }
  return out;
}

interface RawSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs?: number;
}

/** Parses one sample line (no trailing newline) or throws LineError. */
function parseSampleLine(text: string): RawSample {
  let i = 0;
  const n = text.length;
  const skipWs = () => {
    while (i < n && (text[i] === " " || text[i] === "\t")) i++;
  };
  const readQuoted = (): string => {
    // text[i] === '"'
    i++;
    // fast path: no escape before the closing quote
    const close = text.indexOf('"', i);
    if (close >= 0) {
      const bs = text.indexOf("\\", i);
      if (bs < 0 || bs > close) {
        const v = text.slice(i, close);
        i = close + 1;
        return v;
      }
    }
    let out = "";
    while (i < n) {
      const c = text[i];
      if (c === "\\") {
        const e = text[i + 1];
        if (e === "\\") out += "\\";
        else if (e === '"') out += '"';
        else if (e === "n") out += "\n";
        else if (e === undefined) {
          throw new LineError("label value ends in the middle of an escape");
        } else throw new LineError(`invalid escape sequence "\\${e}" in label value`);
        i += 2;
      } else if (c === '"') {
        i++;
        return out;
      } else {
        out += c;
        i++;
      }
    }
    throw new LineError("label value is not closed by a double quote (truncated line?)");
  };
  let name = "";
  if (i < n && NAME_START.test(text[i])) {
    const s = i;
    while (i < n && nameCharAt(text, i)) i++;
    name = text.slice(s, i);
  } else if (text[i] !== "{") {
    throw new LineError(`invalid metric name at "${text.slice(0, 40)}"`);
  }
  const afterName = i;
  skipWs();
  const labels: Record<string, string> = {};
  if (text[i] === "{") {
    i++;
    skipWs();
    while (i < n && text[i] !== "}") {
      let lname: string;
      if (text[i] === '"') {
        lname = readQuoted();
        skipWs();
        if (text[i] !== "=") {
          // quoted metric name inside braces (UTF-8 names)
          if (name) throw new LineError("metric name given twice");
          name = lname;
          if (text[i] === ",") i++;
          skipWs();
          continue;
        }
      } else {
        if (!(i < n && isAlpha(text.charCodeAt(i)))) {
          throw new LineError(`invalid label name at "${text.slice(i, i + 30)}"`);
        }
        const s = i;
        while (i < n && labelCharAt(text, i)) i++;
        lname = text.slice(s, i);
        skipWs();
      }
      if (text[i] !== "=") {
        throw new LineError(
          i >= n
            ? `label "${lname}" has no value (truncated line?)`
            : `expected "=" after label "${lname}"`,
        );
      }
      i++;
      skipWs();
      if (text[i] !== '"') {
        throw new LineError(
          i >= n
            ? `label "${lname}" has no value (truncated line?)`
            : `label "${lname}" value must be in double quotes`,
        );
      }
      const v = readQuoted();
      if (Object.hasOwn(labels, lname)) throw new LineError(`duplicate label "${lname}"`);
      setLabel(labels, lname, v);
      skipWs();
      if (text[i] === ",") {
        i++;
        skipWs();
      } else if (text[i] !== "}") {
        throw new LineError(
          i >= n
            ? "label set is not closed by } (truncated line?)"
            : `expected "," or "}" after label "${lname}"`,
        );
      }
    }
    if (i >= n) throw new LineError("label set is not closed by } (truncated line?)");
    i++;
    if (i < n && text[i] !== " " && text[i] !== "\t") {
      throw new LineError(`unexpected character "${text[i]}" after the labels of "${name}"`);
    }
  } else if (i === afterName && i < n) {
    throw new LineError(`unexpected character "${text[i]}" after metric name "${name}"`);
  }
  if (!name) throw new LineError("sample has no metric name");
  const rest = text.slice(i).trim();
  if (!rest) throw new LineError(`sample "${name}" has no value (truncated line?)`);
  const parts = rest.split(/[ \t]+/);
  if (parts.length > 2) {
    // OpenMetrics exemplars start with '#'; ignore them
    const hash = parts.indexOf("#");
    if (hash === 0) {
      throw new LineError(`sample "${name}" has no value before "#" (truncated line?)`);
    }
    if (hash < 0 || hash > 2) throw new LineError(`too many fields after "${name}": "${rest}"`);
    parts.length = hash;
  }
  const value = parsePromNumber(parts[0]);
  if (value === undefined) throw new LineError(`invalid value "${parts[0]}" for "${name}"`);
  const out: RawSample = { name, labels, value };
  if (parts.length === 2) {
    const ts = parsePromNumber(parts[1]);
    if (ts === undefined || !Number.isFinite(ts)) {
      throw new LineError(`invalid timestamp "${parts[1]}" for "${name}"`);
    }
    out.timestampMs = ts;
  }
  return out;
}

const HIST_SUFFIXES = ["_bucket", "_count", "_sum", "_created", "_gcount", "_gsum"];
const SUMMARY_SUFFIXES = ["_count", "_sum", "_created"];
const COUNTER_SUFFIXES = ["_total", "_created"];

/** Finds the declared family a sample belongs to, or undefined. */
function familyFor(name: string, types: Map<string, MetricType>): string | undefined {
  if (types.has(name)) return name;
  const u = name.lastIndexOf("_");
  if (u <= 0) return undefined;
  const suffix = name.slice(u);
  const base = name.slice(0, u);
  const t = types.get(base);
  if (t === undefined) return undefined;
  if ((t === "histogram" || t === "gaugehistogram") && HIST_SUFFIXES.includes(suffix)) return base;
  if (t === "summary" && SUMMARY_SUFFIXES.includes(suffix)) return base;
  if (t === "counter" && COUNTER_SUFFIXES.includes(suffix)) return base;
  if (t === "info" && suffix === "_info") return base;
  return undefined;
}

function checkSample(fam: MetricFamily, s: RawSample): void {
  if (fam.type === "histogram" || fam.type === "gaugehistogram") {
    if (
      s.name.length === fam.name.length + 7 && s.name.endsWith("_bucket") &&
      s.name.startsWith(fam.name)
    ) {
      if (!Object.hasOwn(s.labels, "le")) {
        throw new LineError(`histogram bucket "${s.name}" has no "le" label`);
      }
      if (parsePromNumber(s.labels.le) === undefined) {
        throw new LineError(`histogram bucket "${s.name}" has an invalid le="${s.labels.le}"`);
      }
    } else if (s.name === fam.name) {
      throw new LineError(
        `histogram "${fam.name}" sample without _bucket/_count/_sum suffix`,
      );
    }
  } else if (fam.type === "summary" && s.name === fam.name) {
    if (!Object.hasOwn(s.labels, "quantile")) {
      throw new LineError(`summary "${fam.name}" sample has no "quantile" label`);
    }
  }
}

/**
 * Parses Prometheus text exposition format.
 *
 * @example
 * ```ts
 * import { parsePrometheusText } from "./prom_parser.ts";
 * const s = parsePrometheusText(
 *   '# TYPE vllm:num_requests_running gauge\nvllm:num_requests_running{engine="0"} 12.0\n',
 * );
 * s.families.get("vllm:num_requests_running")?.samples[0].value; // 12
 * ```
 */
export function parsePrometheusText(text: string, opts: ParseOptions = {}): ParsedScrape {
  const families = new Map<string, MetricFamily>();
  const bySample = new Map<string, Sample[]>();
  const types = new Map<string, MetricType>();
  const helps = new Map<string, string>();
  const notes: ParseNote[] = [];
  let sampleCount = 0;
  const fail = (line: number, message: string) => {
    if (!opts.lenient) throw new PromParseError(line, message, opts.source);
    notes.push({ line, message });
  };
  if (typeof text !== "string") {
    throw new PromParseError(0, "metrics text is not a string", opts.source);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a UTF-8 byte order mark
  const lines = text.split("\n");
  const endsWithNewline = text.length === 0 || text.endsWith("\n");
  if (endsWithNewline) lines.pop();
  for (let idx = 0; idx < lines.length; idx++) {
    const lineNo = idx + 1;
    let raw = lines[idx];
    if (raw.endsWith("\r")) raw = raw.slice(0, -1);
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith("#")) {
      const m = /^#[ \t]+(HELP|TYPE)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(line);
      if (!m) {
        if (/^#[ \t]*EOF[ \t]*$/.test(line)) break;
        continue; // plain comment
      }
      const [, kw, name, restRaw] = m;
      const rest = restRaw ?? "";
      if (!NAME_START.test(name[0]) || ![...name].every((c) => NAME_CHAR.test(c))) {
        fail(lineNo, `invalid metric name "${name}" in ${kw} line`);
        continue;
      }
      if (kw === "TYPE") {
        const t = rest.trim().toLowerCase();
        if (!TYPES.has(t)) {
          fail(lineNo, `unknown metric type "${rest.trim()}" for "${name}"`);
          continue;
        }
        if (types.has(name)) {
          fail(lineNo, `second TYPE line for "${name}"`);
          continue;
        }
        const existing = families.get(name);
        if (existing && existing.samples.length > 0) {
          fail(lineNo, `TYPE line for "${name}" comes after its samples`);
          continue;
        }
        types.set(name, t as MetricType);
        if (existing) existing.type = t as MetricType;
        else {families.set(name, {
            name,
            type: t as MetricType,
            help: helps.get(name),
            samples: [],
          });}
      } else {
        if (helps.has(name)) {
          fail(lineNo, `second HELP line for "${name}"`);
          continue;
        }
        const h = unescapeHelp(rest);
        helps.set(name, h);
        const existing = families.get(name);
        if (existing) existing.help = h;
      }
      continue;
    }
    let s: RawSample;
    try {
      s = parseSampleLine(line);
    } catch (e) {
      if (e instanceof LineError) {
        fail(lineNo, e.message);
        continue;
      }
      throw new PromParseError(lineNo, `unexpected parser failure: ${String(e)}`, opts.source);
    }
    const famName = familyFor(s.name, types) ?? s.name;
    let fam = families.get(famName);
    if (!fam) {
      fam = { name: famName, type: "untyped", help: helps.get(famName), samples: [] };
      families.set(famName, fam);
    }
    try {
      checkSample(fam, s);
    } catch (e) {
      if (e instanceof LineError) {
        fail(lineNo, e.message);
        continue;
      }
      throw e;
    }
    const sample = s as Sample;
    sample.line = lineNo;
    fam.samples.push(sample);
    const list = bySample.get(s.name);
    if (list) list.push(sample);
    else bySample.set(s.name, [sample]);
    sampleCount++;
  }
  if (!endsWithNewline && lines.length > 0 && lines[lines.length - 1].trim() !== "") {
    const last = lines.length;
    const lastLine = lines[last - 1].trim();
    if (!lastLine.startsWith("#")) {
      notes.push({
        line: last,
        message: "the text does not end with a newline: the last sample may be truncated",
      });
    }
  }
  return { families, bySample, notes, sampleCount };
}

/**
 * Merges the series of a multiprocess scrape (prometheus_client multiprocess
 * mode, as SGLang uses) that differ only in their `pid` label. Counters,
 * histograms, summaries' `_count`/`_sum` and untyped series are summed across
 * pids (their meaning is a total); gauges keep `pid` (mode "all" reports one
 * series per process, and summing them would be wrong).
 *
 * @example
 * ```ts
 * import { mergePidSeries, parsePrometheusText } from "./prom_parser.ts";
 * const s = mergePidSeries(parsePrometheusText(
 *   '# TYPE x_total counter\nx_total{pid="1"} 2\nx_total{pid="2"} 3\n',
 * ));
 * s.bySample.get("x_total")?.[0].value; // 5
 * ```
 */
export function mergePidSeries(scrape: ParsedScrape): ParsedScrape {
  let any = false;
  for (const f of scrape.families.values()) {
    if (f.type !== "gauge" && f.samples.some((s) => Object.hasOwn(s.labels, "pid"))) {
      any = true;
      break;
    }
  }
  if (!any) return scrape;
  const families = new Map<string, MetricFamily>();
  const bySample = new Map<string, Sample[]>();
  let sampleCount = 0;
  for (const f of scrape.families.values()) {
    let samples = f.samples;
    if (f.type !== "gauge" && samples.some((s) => Object.hasOwn(s.labels, "pid"))) {
      const merged = new Map<string, Sample>();
      for (const s of samples) {
        const labels: Record<string, string> = {};
        for (const [k, v] of Object.entries(s.labels)) if (k !== "pid") setLabel(labels, k, v);
        const key = s.name + "\u0000" + seriesKey(labels);
        const prev = merged.get(key);
        if (prev) {
          // `_created` is a start time, not a total: keep the earliest
          prev.value = s.name.endsWith("_created")
            ? Math.min(prev.value, s.value)
            : prev.value + s.value;
        } else merged.set(key, { ...s, labels });
      }
      samples = [...merged.values()];
    }
    const nf = { ...f, samples };
    families.set(f.name, nf);
    for (const s of samples) {
      const l = bySample.get(s.name);
      if (l) l.push(s);
      else bySample.set(s.name, [s]);
      sampleCount++;
    }
  }
  return { families, bySample, notes: scrape.notes, sampleCount };
}

/**
 * A canonical key of a label set (sorted by name), for grouping series.
 *
 * @example
 * ```ts
 * import { seriesKey } from "./prom_parser.ts";
 * seriesKey({ b: "2", a: "1" }); // 'a="1",b="2"'
 * ```
 */
export function seriesKey(labels: Record<string, string>, omit?: string): string {
  return Object.keys(labels).filter((k) => k !== omit).sort().map((k) =>
    `${k}=${JSON.stringify(labels[k])}`
  ).join(",");
}

/** One log line of one container, as the API server sends it with `timestamps=true`. */
export interface LogLine {
  /** RFC 3339 with nanoseconds, as the kubelet wrote it; '' when the line had none. */
  timestamp: string;
  /** `timestamp` in a form that compares as a string: seconds since the epoch, then nine digits. */
  key: string;
  message: string;
}

const lastSecond = { text: '', key: '' };

const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/i;

/**
 * A sortable key for an RFC 3339 timestamp with up to nanosecond precision, which a JavaScript Date
 * (milliseconds) would round away; undefined when the text is no such timestamp.
 */
export function timestampKey(timestamp: string): string | undefined {
  const match = RFC3339.exec(timestamp);
  if (!match) return undefined;
  const second = `${match[1]}${match[3]?.toUpperCase()}`;
  // Most lines share their second with the line before: parse each second once.
  if (second !== lastSecond.text) {
    const seconds = Date.parse(second) / 1000;
    if (!Number.isFinite(seconds)) return undefined;
    // Offset so that times before 1970 still sort as strings.
    lastSecond.text = second;
    lastSecond.key = String(seconds + 1e11).padStart(12, '0');
  }
  return `${lastSecond.key}.${(match[2] ?? '').padEnd(9, '0')}`;
}

/** Splits `2026-11-24T10:00:00.000000000Z message` into its timestamp and message. */
export function parseLogLine(text: string): LogLine {
  const space = text.indexOf(' ');
  const timestamp = space === -1 ? text : text.slice(0, space);
  const key = timestampKey(timestamp);
  if (key === undefined) return { timestamp: '', key: '', message: text };
  return { timestamp, key, message: space === -1 ? '' : text.slice(space + 1) };
}

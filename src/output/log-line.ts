import { paintByName } from './colour.ts';

/** One log line with where it came from; `-o json` prints exactly these fields. */
export interface LogRecord {
  /** Across clusters only: the cluster (kubeconfig context) the line came from. */
  cluster?: string;
  tenant: string;
  namespace: string;
  pod: string;
  container: string;
  /** RFC 3339 with nanoseconds, as the kubelet stamped the line. */
  timestamp: string;
  message: string;
}

export type LogFormat = 'text' | 'raw' | 'json';

export interface LogLineOptions {
  format: LogFormat;
  /** `pod/container` before each line (text only). */
  prefix: boolean;
  /** The timestamp before the message (text and raw). */
  timestamps: boolean;
  colour: boolean;
}

/** One line of `logs` output, newline included. */
export function formatLogLine(record: LogRecord, options: LogLineOptions): string {
  if (options.format === 'json') {
    const { cluster, tenant, namespace, pod, container, timestamp, message } = record;
    return `${JSON.stringify({ cluster, tenant, namespace, pod, container, timestamp, message })}\n`;
  }
  const stamped =
    options.timestamps && record.timestamp !== '' ? `${record.timestamp} ${record.message}` : record.message;
  if (options.format === 'raw' || !options.prefix) return `${stamped}\n`;
  const source = `${record.cluster === undefined ? '' : `${record.cluster}/`}${record.pod}/${record.container}`;
  return `${paintByName(source, record.pod, options.colour)} ${stamped}\n`;
}

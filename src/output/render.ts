import { paint } from './colour.ts';
import { renderJson } from './json.ts';
import type { Document, Listing, OutputFormat, Rendered } from './result.ts';
import { renderTable } from './table.ts';
import { renderYaml } from './yaml.ts';

export interface RenderOptions {
  format: OutputFormat;
  noHeaders: boolean;
  colour: boolean;
}

function renderListing(result: Listing, options: RenderOptions): string {
  const shown = result.columns.map((c) => options.format === 'wide' || !c.wide);
  const rows = result.rows.map((row) =>
    row.filter((_, i) => shown[i]).map((cell) => paint(cell.text, cell.tone, options.colour)),
  );
  const headers = result.columns.filter((_, i) => shown[i]).map((c) => c.header);
  return renderTable(headers, rows, { noHeaders: options.noHeaders });
}

/** Turns a command's result into what goes to stdout and stderr for the chosen format. */
export function render(result: Listing | Document, options: RenderOptions): Rendered {
  const stderr = [...(result.warnings ?? [])];
  if (options.format === 'json') return { stdout: renderJson(result.document), stderr };
  if (options.format === 'yaml') return { stdout: renderYaml(result.document), stderr };
  if (result.type === 'document') {
    if (options.format === 'name') return { stdout: result.name ? `${result.name}\n` : '', stderr };
    return { stdout: result.text({ colour: options.colour }), stderr };
  }
  if (result.rows.length === 0) return { stdout: '', stderr: [...stderr, result.emptyMessage] };
  if (options.format === 'name') return { stdout: result.names.map((n) => `${n}\n`).join(''), stderr };
  return { stdout: renderListing(result, options), stderr };
}

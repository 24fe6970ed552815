import { paint } from './colour.ts';
import { renderDescribe } from './describe.ts';
import { renderDot } from './dot.ts';
import { renderJson } from './json.ts';
import { renderPrometheus } from './prometheus.ts';
import type { Cell, Description, Document, Listing, OutputFormat, Rendered, Tone } from './result.ts';
import { renderTable } from './table.ts';
import { renderYaml } from './yaml.ts';

export interface RenderOptions {
  format: OutputFormat;
  noHeaders: boolean;
  colour: boolean;
}

const BAR_WIDTH = 8;

/** A share as a bar of blocks: green, yellow from 80%, red when full. */
function bar(share: number): string {
  const filled = Math.round(Math.min(Math.max(share, 0), 1) * BAR_WIDTH);
  const tone: Tone = share >= 1 ? 'red' : share >= 0.8 ? 'yellow' : 'green';
  const part = (text: string, shade: Tone) => (text ? paint(text, shade, true) : '');
  return part('\u2588'.repeat(filled), tone) + part('\u2591'.repeat(BAR_WIDTH - filled), 'dim');
}

function renderCell(cell: Cell, colour: boolean): string {
  const text = paint(cell.text, cell.tone, colour);
  return colour && cell.bar !== undefined ? `${bar(cell.bar)} ${text}` : text;
}

function renderListing(result: Listing, options: RenderOptions): string {
  const shown = result.columns.map((c) => options.format === 'wide' || !c.wide);
  const rows = result.rows.map((row) => row.filter((_, i) => shown[i]).map((cell) => renderCell(cell, options.colour)));
  const headers = result.columns.filter((_, i) => shown[i]).map((c) => c.header);
  return renderTable(headers, rows, { noHeaders: options.noHeaders });
}

/** Turns a command's result into what goes to stdout and stderr for the chosen format. */
export function render(result: Listing | Document, options: RenderOptions): Rendered {
  const stderr = [...(result.warnings ?? [])];
  if (options.format === 'json') return { stdout: renderJson(result.document), stderr };
  if (options.format === 'yaml') return { stdout: renderYaml(result.document), stderr };
  if (options.format === 'dot' && result.type === 'document' && result.picture) {
    return { stdout: renderDot(result.picture), stderr };
  }
  if (options.format === 'prometheus' && result.type === 'listing') {
    const empty = result.rows.length === 0 ? [result.emptyMessage] : [];
    return { stdout: renderPrometheus(result.metrics ?? []), stderr: [...stderr, ...empty] };
  }
  if (result.type === 'document') {
    if (options.format === 'name') return { stdout: result.name ? `${result.name}\n` : '', stderr };
    const { text } = result;
    const described = text.filter((part): part is Description => 'fields' in part);
    const lines = text.filter((part): part is Cell => 'text' in part);
    const stdout = described.length
      ? described.map((part) => renderDescribe(part, options.colour)).join('\n')
      : lines.map((line) => `${paint(line.text, line.tone, options.colour)}\n`).join('');
    return { stdout, stderr };
  }
  if (result.rows.length === 0) return { stdout: '', stderr: [...stderr, result.emptyMessage] };
  if (options.format === 'name') return { stdout: result.names.map((n) => `${n}\n`).join(''), stderr };
  return { stdout: renderListing(result, options), stderr };
}

/**
 * `render`, and for -o svg the Graphviz layout: its WebAssembly build (1.4 MB) is loaded here and
 * only here, so no other format or command pays for it.
 */
export async function renderResult(result: Listing | Document, options: RenderOptions): Promise<Rendered> {
  if (options.format === 'svg' && result.type === 'document' && result.picture) {
    const { renderSvg } = await import('./svg.ts');
    return { stdout: await renderSvg(renderDot(result.picture)), stderr: [...(result.warnings ?? [])] };
  }
  return render(result, options);
}

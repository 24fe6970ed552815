import { dump } from 'js-yaml';

/** kubectl -o yaml: block style, no line folding, no anchors. */
export function renderYaml(document: unknown): string {
  return dump(document, { lineWidth: -1, noRefs: true, sortKeys: false });
}

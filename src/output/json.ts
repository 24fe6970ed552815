/** kubectl -o json: four spaces, a trailing newline. */
export function renderJson(document: unknown): string {
  return `${JSON.stringify(document, null, 4)}\n`;
}

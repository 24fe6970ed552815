/**
 * Renders the Krew manifest template: `{{VERSION}}`, and per platform `{{URI os/arch}}` and
 * `{{SHA256 os/arch}}`. A placeholder without a value, or a built platform the template does not
 * list, is an error: the manifest must describe exactly the archives of the release.
 */
export interface ManifestValues {
  version: string;
  /** By platform name (linux/amd64). */
  archives: Map<string, { uri: string; sha256: string }>;
}

const PLACEHOLDER = /\{\{\s*(VERSION|URI|SHA256)(?:\s+([a-z0-9]+\/[a-z0-9]+))?\s*\}\}/g;

export function renderManifest(template: string, values: ManifestValues): string {
  const used = new Set<string>();
  const rendered = template.replace(PLACEHOLDER, (_match, key: string, platform: string | undefined) => {
    if (key === 'VERSION') return values.version;
    const archive = platform === undefined ? undefined : values.archives.get(platform);
    if (!archive) throw new Error(`the template asks for {{${key} ${platform ?? ''}}}, which no archive has`);
    used.add(platform as string);
    return key === 'URI' ? archive.uri : archive.sha256;
  });
  const left = /\{\{[^}]*\}\}/.exec(rendered);
  if (left) throw new Error(`unknown placeholder ${left[0]} in the manifest template`);
  const unlisted = [...values.archives.keys()].filter((p) => !used.has(p));
  if (unlisted.length) throw new Error(`the manifest template has no platform entry for ${unlisted.join(', ')}`);
  return rendered;
}

/** `{{VERSION}}` in the base URL too, so a URL pattern can name the release's tag. */
export function archiveUri(baseUrl: string, version: string, archive: string): string {
  return `${baseUrl.replaceAll('{{VERSION}}', version).replace(/\/+$/, '')}/${archive}`;
}

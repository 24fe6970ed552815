import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { COMMANDS } from '../../src/cli/registry.ts';
import { isGroup } from '../../src/cli/spec.ts';

const root = path.resolve(import.meta.dirname, '../..');
const registered = Object.keys(COMMANDS).sort();

/** A command is registered once, in src/cli/registry.ts; everything that names commands must agree. */
describe('the command registry', () => {
  it('has an executable in plugins/ for each command, and none for a command it does not have', () => {
    const executables = readdirSync(path.join(root, 'plugins'))
      .map((file) => /^kubectl-mimt-(.+)\.ts$/.exec(file)?.[1])
      .filter((name) => name !== undefined)
      .sort();
    assert.deepEqual(executables, registered);
    for (const name of registered) {
      const text = readFileSync(path.join(root, 'plugins', `kubectl-mimt-${name}.ts`), 'utf8');
      assert.match(text, new RegExp(`main\\('${name}',`), `plugins/kubectl-mimt-${name}.ts runs ${name}`);
    }
  });

  it("has package.json bins for each command's executable and its completion", () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    const bins = Object.keys(pkg.bin);
    const named = (prefix: string) =>
      bins
        .filter((b) => b.startsWith(prefix))
        .map((b) => b.slice(prefix.length))
        .sort();
    assert.deepEqual(named('kubectl-mimt-'), registered);
    assert.deepEqual(named('kubectl_complete-mimt-'), registered);
    for (const name of registered) assert.equal(pkg.bin[`kubectl-mimt-${name}`], `dist/kubectl-mimt-${name}.js`);
  });

  it("lists every command in the Krew manifest's description", () => {
    const template = readFileSync(path.join(root, 'krew-manifests', 'mimt.yaml.tmpl'), 'utf8');
    const line = /Commands: kubectl mimt (.*)\./.exec(template)?.[1] ?? '';
    assert.deepEqual(line.split(' | ').sort(), registered);
  });

  it('loads each command, whose name is the one it is registered under', async () => {
    for (const [name, entry] of Object.entries(COMMANDS)) {
      const command = await entry.load();
      assert.equal(command.name, name);
      if (isGroup(command)) {
        for (const [sub, spec] of Object.entries(command.subcommands)) {
          assert.equal(spec.name, `${name} ${sub}`);
          assert.ok(spec.summary, `${name} ${sub} has a summary for the group's help`);
          assert.match(spec.usage, new RegExp(`^kubectl mimt ${name} ${sub}\\b`));
        }
      }
    }
  });
});

import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main.ts';
import type { Streams } from '../../src/cli/printer.ts';
import type { Run } from './run.ts';

/**
 * Runs one mimt command inside the test process, from argv to what it prints and its exit code,
 * through the same entry (`main`) as the executables: `command` is what the executable fixes
 * (`ls` for kubectl-mimt-ls), undefined for the dispatcher. The environment is a user's shell with
 * nothing but KUBECONFIG (and what `env` adds): a temporary HOME, no terminal.
 */
export async function mimt(
  command: string | undefined,
  argv: string[],
  options: { kubeconfig?: string; env?: Record<string, string>; path?: string[] } = {},
): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const streams: Streams = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    stdoutIsTTY: false,
    stderrIsTTY: false,
    columns: 200,
    env: {
      HOME: mkdtempSync(path.join(tmpdir(), 'mimt-home-')),
      LANG: 'C.UTF-8',
      ...(options.kubeconfig ? { KUBECONFIG: options.kubeconfig } : {}),
      ...options.env,
    },
  };
  // Subprocesses (helm) inherit the process's PATH, so a fake helm goes there for the run.
  const before = process.env.PATH;
  if (options.path) process.env.PATH = [...options.path, before].join(path.delimiter);
  try {
    const exitCode = await main(command, argv, streams);
    return { exitCode, stdout, stderr };
  } finally {
    process.env.PATH = before;
  }
}

export interface FakeHelm {
  /** The folder to put first on PATH. */
  dir: string;
  /** The argument arrays helm was called with, in order, without the connection flags mimt adds. */
  calls(): string[][];
}

/** What the fake helm answers, by its first words: `show chart`, `template`, `upgrade`, `uninstall`, `version`. */
export type HelmAnswers = Record<string, { stdout?: string; stderr?: string; exit?: number }>;

const SECURE = {
  pod: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  container: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
};

/**
 * What `helm template` prints for the chart `webapp`: a Service and a Deployment whose pods run as
 * `securityContext` says. By default as a well-kept chart sets it, admitted by every Pod Security level;
 * `{ pod: {}, container: {} }` is a chart that sets none (root, privilege escalation allowed), which
 * `restricted` refuses and `baseline` admits.
 */
export function webappTemplate(securityContext: { pod: object; container: object } = SECURE): string {
  return [
    '---',
    '# Source: webapp/templates/service.yaml',
    'apiVersion: v1',
    'kind: Service',
    'metadata: {name: web}',
    'spec: {selector: {app: web}, ports: [{port: 80}]}',
    '---',
    '# Source: webapp/templates/deployment.yaml',
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: {name: web}',
    'spec:',
    '  replicas: 2',
    '  selector: {matchLabels: {app: web}}',
    '  template:',
    '    metadata: {labels: {app: web}}',
    '    spec:',
    '      serviceAccountName: web',
    `      securityContext: ${JSON.stringify(securityContext.pod)}`,
    '      containers:',
    '        - name: app',
    '          image: example/web:1',
    `          securityContext: ${JSON.stringify(securityContext.container)}`,
    '',
  ].join('\n');
}

const DEFAULT_ANSWERS: HelmAnswers = {
  version: { stdout: 'v4.0.0+g0000000\n' },
  'show chart': { stdout: 'apiVersion: v2\nname: webapp\nversion: 1.2.0\nappVersion: "2.0"\n' },
  template: { stdout: webappTemplate() },
  // What `helm upgrade --install --output json` answers, the fields mimt reads.
  upgrade: { stdout: '{"name":"release","version":1,"info":{"status":"deployed"}}\n' },
};

/**
 * A `helm` executable that records its argument arrays and answers from `answers` (by default a
 * chart `webapp` 1.2.0 that renders a Service and a Deployment of pods `restricted` admits, and
 * success for everything else).
 */
export function fakeHelm(answers: HelmAnswers = {}): FakeHelm {
  const dir = mkdtempSync(path.join(tmpdir(), 'mimt-fake-helm-'));
  writeFileSync(path.join(dir, 'answers.json'), JSON.stringify({ ...DEFAULT_ANSWERS, ...answers }));
  writeFileSync(path.join(dir, 'calls.jsonl'), '');
  const script = [
    `#!${process.execPath}`,
    "const fs = require('node:fs');",
    "const path = require('node:path');",
    'const args = process.argv.slice(2);',
    "fs.appendFileSync(path.join(__dirname, 'calls.jsonl'), JSON.stringify(args) + '\\n');",
    "const answers = JSON.parse(fs.readFileSync(path.join(__dirname, 'answers.json'), 'utf8'));",
    "const answer = answers[args.slice(0, 2).join(' ')] ?? answers[args[0]] ?? {};",
    "process.stdout.write(answer.stdout ?? '');",
    "process.stderr.write(answer.stderr ?? '');",
    'process.exitCode = answer.exit ?? 0;',
    '',
  ].join('\n');
  writeFileSync(path.join(dir, 'helm'), script);
  chmodSync(path.join(dir, 'helm'), 0o755);
  return {
    dir,
    calls: () =>
      readFileSync(path.join(dir, 'calls.jsonl'), 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => {
          const args = JSON.parse(line) as string[];
          const at = args.indexOf('--kubeconfig');
          return at === -1 ? args : args.slice(0, at);
        }),
  };
}

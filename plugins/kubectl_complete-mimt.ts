#!/usr/bin/env node
import '../src/cli/node-version.ts';
import * as nodeModule from 'node:module';

// kubectl (≥ 1.26) runs this for `kubectl mimt <Tab>`, with the words typed after `kubectl mimt`.
nodeModule.enableCompileCache?.();
const [{ kubectlCompleteMain }, { processStreams }] = await Promise.all([
  import('../src/cli/complete.ts'),
  import('../src/cli/printer.ts'),
]);
process.exitCode = await kubectlCompleteMain(process.argv[1] ?? '', process.argv.slice(2), processStreams());

#!/usr/bin/env node
import '../src/cli/node-version.ts';
import * as nodeModule from 'node:module';

// V8 keeps compiled code of the bundle in the OS temp folder: later starts skip parsing.
nodeModule.enableCompileCache?.();
const [{ main }, { processStreams }] = await Promise.all([
  import('../src/cli/main.ts'),
  import('../src/cli/printer.ts'),
]);
process.exitCode = await main('mcp', process.argv.slice(2), processStreams());

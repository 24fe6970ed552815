#!/usr/bin/env node
import { main } from '../src/cli/main.ts';
import { processStreams } from '../src/cli/printer.ts';

process.exitCode = await main('ls', process.argv.slice(2), processStreams());

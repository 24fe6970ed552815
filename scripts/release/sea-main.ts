/**
 * The main script of the standalone executables: the dispatcher, with every command's spec; what the
 * commands run is in the second script (sea-split.ts). Node 24's single executable applications run
 * a CommonJS script, so this entry has no top-level await.
 */
import { main } from '../../src/cli/main.ts';
import { processStreams } from '../../src/cli/printer.ts';

void main(undefined, process.argv.slice(2), processStreams()).then((code) => {
  process.exitCode = code;
});

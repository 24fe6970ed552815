/**
 * kubectl users type `-v=6`, `--v=6` or `-v 6`; others type `-v` or `-vv`. All become `--verbose=N`
 * before yargs sees them, so the rest of the CLI knows a single number.
 */
export function normalizeVerbosity(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const withValue = /^(?:-v|--v|--verbose)=(.*)$/.exec(arg);
    if (withValue) {
      out.push(`--verbose=${withValue[1]}`);
    } else if (/^-v+$/.test(arg)) {
      const next = argv[i + 1];
      if (arg === '-v' && next !== undefined && /^\d+$/.test(next)) {
        out.push(`--verbose=${next}`);
        i += 1;
      } else {
        out.push(`--verbose=${arg.length - 1}`);
      }
    } else if (arg === '--verbose' || arg === '--v') {
      const next = argv[i + 1];
      if (next !== undefined && /^\d+$/.test(next)) {
        out.push(`--verbose=${next}`);
        i += 1;
      } else {
        out.push('--verbose=1');
      }
    } else {
      out.push(arg);
    }
  }
  return out;
}

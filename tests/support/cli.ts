// Runs the CLI in-process against a given environment and captures what it prints.
import { loadConfig } from '../../src/config.ts';
import { fixedClock } from '../../src/clock.ts';
import { silentLogger } from '../../src/log.ts';
import { createCliContext } from '../../src/cli/context.ts';
import { runCli } from '../../src/cli/run-cli.ts';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export async function cli(argv: string[], env: Record<string, string>, now = '2026-11-29T10:00:00+08:00'): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const ctx = createCliContext(loadConfig(env), fixedClock(now), { out: (l) => out.push(l), err: (l) => err.push(l) }, silentLogger);
  const code = await runCli(argv, ctx);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

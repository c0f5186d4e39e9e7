// The command line: one entry that tests call in-process and bin/duban.js calls for real.
import { AppError } from '../errors.ts';
import { parseArgs } from './args.ts';
import type { CliContext } from './context.ts';
import { registryCommand } from './commands/registry.ts';
import { unitsCommand } from './commands/units.ts';
import { remindersCommand } from './commands/reminders.ts';
import { outboxCommand } from './commands/outbox.ts';
import { exportCommand, EXPORT_USAGE } from './commands/export.ts';
import { evidenceCommand, EVIDENCE_USAGE } from './commands/evidence.ts';

type Handler = (ctx: CliContext, args: ReturnType<typeof parseArgs>) => Promise<number>;

const COMMANDS: Record<string, Handler> = {
  registry: registryCommand,
  units: unitsCommand,
  reminders: remindersCommand,
  outbox: outboxCommand,
  export: exportCommand,
  evidence: evidenceCommand,
};

export const USAGE = [
  'usage: npm run cli -- <command>',
  '  registry import [FILE] [--dry-run] [--json]',
  '  registry list [--unit NAME] [--json]',
  '  registry show N [--json]',
  '  registry check [DIR] [--json]   the plan corpus against its expectations (default tests/fixtures/plans/corpus)',
  '  units list [--json]',
  '  units bind UNIT CHAT_ID',
  '  reminders preview --from DATE --to DATE [--json]',
  '  reminders run [--now ISO_TIME]',
  '  outbox list [--status pending|sending|sent|failed] [--json]',
  '  outbox retry ID',
  `  ${EXPORT_USAGE}`,
  ...EVIDENCE_USAGE.map((u) => `  ${u}`),
].join('\n');

/** Runs one command; returns the exit code. Expected failures print one line on stderr. */
export async function runCli(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseArgs(argv);
  const name = args.positionals[0];
  try {
    if (!name || name === 'help' || args.flags.help) {
      ctx.io.out(USAGE);
      return name ? 0 : 2;
    }
    const handler = COMMANDS[name];
    if (!handler) throw new AppError('usage', `unknown command "${name}"\n${USAGE}`);
    return await handler(ctx, args);
  } catch (e) {
    if (e instanceof AppError) {
      ctx.io.err(`duban: ${e.message}`);
      return e.code === 'usage' ? 2 : 1;
    }
    ctx.io.err(`duban: unexpected error: ${(e as Error).message}`);
    ctx.logger.error('cli failed', { err: e as Error, stack: (e as Error).stack });
    return 1;
  } finally {
    await ctx.close();
  }
}

// Every chat command, in the order the router tries them.
import type { Command } from './types.ts';
import { helpCommand } from './help.ts';
import { myTasksCommand } from './my-tasks.ts';
import { taskCommand } from './task.ts';
import { progressCommand } from './progress.ts';
import { extendCommand } from './extend.ts';
import { overdueCommand, thisWeekCommand } from './deadline-lists.ts';
import { bindCommand } from './bind.ts';
import { registerCommand } from './register.ts';
import { summaryCommand } from '../../supervision/commands/summary.ts';
import { exportLedgerCommand } from '../../supervision/commands/export.ts';

// Each command's args type differs; the router only passes match()'s result back to the same run().
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: readonly Command<any>[] = [
  helpCommand,
  myTasksCommand,
  taskCommand,
  progressCommand,
  extendCommand,
  overdueCommand,
  thisWeekCommand,
  bindCommand,
  registerCommand,
  summaryCommand,
  exportLedgerCommand,
];

export type { Command, CommandContext, ChatContext, ChatMessage, Reply, QuotedReminder, Lang } from './types.ts';

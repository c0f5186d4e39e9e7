// reminders preview | run
import { z } from 'zod';
import type { CliContext } from '../context.ts';
import { boolFlag, dayFlag, readFlags, type ParsedArgs } from '../args.ts';
import { AppError } from '../../errors.ts';
import { loadScheduleData, createApp } from '../../app.ts';
import { loadPlanInput } from '../../jobs/queue-reminders.ts';
import { previewReminders } from '../../schedule/plan-reminders.ts';
import { createConsoleGateway } from '../../chat/console-gateway.ts';
import type { LarkGateway } from '../../chat/gateway.ts';

const STEP_WORDS: Record<string, string> = { D0: '当天', 'W-1': '前1个工作日', 'W-3': '前3个工作日', 'D-7': '前7天', 'D-30': '前30天' };

function stepWord(step: string): string {
  if (STEP_WORDS[step]) return STEP_WORDS[step];
  if (step.startsWith('OD+')) return step === 'OD+1' ? '逾期次日' : `逾期第${step.slice(4)}周`;
  if (step.startsWith('Q')) return `季度进展征集 ${step.slice(1)}`;
  if (step.startsWith('IDLE')) return `${step.slice(4)}天无进展`;
  if (step.startsWith('OFFICE')) return '报依法治办';
  return step;
}

export async function remindersCommand(ctx: CliContext, args: ParsedArgs): Promise<number> {
  const [, sub] = args.positionals;
  switch (sub) {
    case 'preview': {
      const f = readFlags('reminders preview', args.flags, { from: dayFlag, to: dayFlag, json: boolFlag });
      if (f.to < f.from) throw new AppError('usage', `reminders preview: --to ${f.to} is before --from ${f.from}`);
      const db = await ctx.planDb();
      const { policy, calendar } = loadScheduleData(ctx.config);
      const { now: _now, ...input } = await loadPlanInput(
        { db, policy, calendar, tz: ctx.config.tz, officeUnit: await ctx.officeUnit(), logger: ctx.logger },
        ctx.clock.now(),
      );
      let list;
      try {
        list = previewReminders(input, f.from, f.to);
      } catch (e) {
        throw new AppError('usage', `reminders preview: ${(e as Error).message}`);
      }
      const rows = list
        .map((r) => ({
          day: r.sendOn < f.from ? f.from : r.sendOn,
          scheduledFor: r.sendOn,
          unit: r.unitName,
          chat: r.chatId ?? 'unbound',
          kind: r.kind,
          task: r.taskNumber,
          step: r.step,
          milestone: r.milestoneKey,
          due: r.occurrence,
          label: r.label,
          ...(r.aboutUnit ? { aboutUnit: r.aboutUnit } : {}),
          ...(r.daysOverdue !== undefined ? { daysOverdue: r.daysOverdue } : {}),
        }))
        .sort((a, b) => a.day.localeCompare(b.day) || a.unit.localeCompare(b.unit) || a.task - b.task);
      const years = new Set<number>();
      for (let y = Number(f.from.slice(0, 4)); y <= Number(f.to.slice(0, 4)); y++) years.add(y);
      const warnings = calendar.warnings(years).map((w) => w.message);
      if (f.json) {
        ctx.io.out(JSON.stringify({ from: f.from, to: f.to, reminders: rows, warnings }, null, 2));
        return 0;
      }
      for (const w of warnings) ctx.io.err(`warning: ${w}`);
      if (rows.length === 0) ctx.io.out(`no reminders between ${f.from} and ${f.to}`);
      for (const r of rows) {
        ctx.io.out(
          `${r.day}  ${r.unit} (${r.chat})  任务 ${r.task}  ${stepWord(r.step)}  ${r.label}  期限 ${r.due}${r.aboutUnit ? `  [${r.aboutUnit} 逾期 ${r.daysOverdue} 天]` : ''}`,
        );
      }
      ctx.io.out(`${rows.length} reminders, ${rows.filter((r) => r.chat === 'unbound').length} to unbound units (bind with: units bind UNIT CHAT_ID)`);
      return 0;
    }
    case 'run': {
      const f = readFlags('reminders run', args.flags, { now: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO time such as 2027-02-22T09:30:00+08:00').optional() });
      const now = f.now ? new Date(f.now) : ctx.clock.now();
      await ctx.planDb();
      const lark = ctx.config.lark;
      const gateway: LarkGateway =
        lark.mode === 'local'
          ? createConsoleGateway({ currentChat: () => null, write: (t) => ctx.io.out(t) })
          : (await import('../../chat/lark-gateway.ts')).createLarkGateway(lark, ctx.logger);
      const clock = { now: () => (f.now ? new Date(now.getTime() + (Date.now() - started)) : new Date()) };
      const started = Date.now();
      const app = await createApp({ config: ctx.config, clock, logger: ctx.logger, gateway });
      try {
        const { queued, dispatched } = await app.schedulerPass(now);
        ctx.io.out(
          `pass at ${now.toISOString()}: ${queued.queued} new reminder steps in ${queued.cards} cards` +
            `${queued.unbound.length ? ` (${queued.unbound.length} to unbound units, not sent)` : ''}; ` +
            `sent ${dispatched.sent}, retry later ${dispatched.retried + dispatched.deferred}, failed ${dispatched.failed}`,
        );
        return dispatched.failed > 0 ? 1 : 0;
      } finally {
        await app.close();
      }
    }
    default:
      throw new AppError('usage', `reminders: expected preview or run${sub ? `, got "${sub}"` : ''}`);
  }
}

// outbox list | retry: what was sent, what is waiting, what failed (never dropped) and why.
import { z } from 'zod';
import type { CliContext } from '../context.ts';
import { boolFlag, readFlags, type ParsedArgs } from '../args.ts';
import { AppError } from '../../errors.ts';
import { createOutboxRepo, OUTBOX_STATUSES } from '../../store/outbox-repo.ts';

export async function outboxCommand(ctx: CliContext, args: ParsedArgs): Promise<number> {
  const [, sub, id] = args.positionals;
  const repo = createOutboxRepo(await ctx.db());
  switch (sub) {
    case 'list': {
      const f = readFlags('outbox list', args.flags, { status: z.enum(OUTBOX_STATUSES as unknown as [string, ...string[]]).optional(), json: boolFlag });
      const rows = await repo.list({ status: f.status as never });
      if (f.json) {
        ctx.io.out(JSON.stringify(rows.map(({ body: _b, ...r }) => r), null, 2));
        return 0;
      }
      const counts = await repo.counts();
      ctx.io.out(Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(' · '));
      for (const r of rows) {
        ctx.io.out(`#${r.id}  ${r.status}  ${r.kind}  ${r.chatId}  tries ${r.attempts}  ${r.sentAt?.toISOString() ?? r.notBefore.toISOString()}${r.lastError ? `  ${r.lastError}` : ''}`);
      }
      return 0;
    }
    case 'retry': {
      readFlags('outbox retry', args.flags, {});
      const n = Number(id);
      if (!Number.isInteger(n)) throw new AppError('usage', 'outbox retry: expected the id of a failed row, e.g. outbox retry 12 (see: outbox list --status failed)');
      if (!(await repo.retryFailed(n))) throw new AppError('not-failed', `outbox retry: row ${n} is not a failed row`);
      ctx.io.out(`row ${n} is pending again; the next scheduler pass sends it`);
      return 0;
    }
    default:
      throw new AppError('usage', `outbox: expected list or retry${sub ? `, got "${sub}"` : ''}`);
  }
}

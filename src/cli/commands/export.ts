// export --format xlsx|csv --out FILE [--unit NAME] [--from DATE] [--to DATE] [--status LIGHT]
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { CliContext } from '../context.ts';
import { dayFlag, readFlags, type ParsedArgs } from '../args.ts';
import { AppError } from '../../errors.ts';
import { loadScheduleData } from '../../app.ts';
import { exportLedger } from '../../jobs/export-ledger.ts';
import { STATUS_ORDER } from '../../schedule/status.ts';

export const EXPORT_USAGE = 'export --format xlsx|csv --out FILE [--unit NAME] [--from DATE] [--to DATE] [--status red|yellow|blue|on-track|done]';

export async function exportCommand(ctx: CliContext, args: ParsedArgs): Promise<number> {
  const extra = args.positionals.slice(1);
  if (extra.length > 0) throw new AppError('usage', `export: unexpected "${extra.join(' ')}" (usage: ${EXPORT_USAGE})`);
  const f = readFlags('export', args.flags, {
    format: z.enum(['xlsx', 'csv'], { message: 'expected xlsx or csv' }),
    out: z.string({ message: 'expected a file name, e.g. --out ledger.xlsx' }).min(1),
    unit: z.string({ message: 'expected a unit name' }).min(1).optional(),
    from: dayFlag.optional(),
    to: dayFlag.optional(),
    status: z.enum(STATUS_ORDER, { message: `expected one of ${STATUS_ORDER.join(', ')}` }).optional(),
  });
  const ext = path.extname(f.out).toLowerCase();
  if (ext && ext !== `.${f.format}`) throw new AppError('usage', `export: --out ${f.out} does not end in .${f.format} (--format ${f.format})`);
  const dir = path.dirname(path.resolve(f.out));
  if (!fs.existsSync(dir)) throw new AppError('io', `export: directory ${dir} does not exist`);

  const db = await ctx.planDb();
  const { policy, calendar } = loadScheduleData(ctx.config);
  const result = await exportLedger(
    { db, policy, calendar, tz: ctx.config.tz, officeUnit: await ctx.officeUnit() },
    { format: f.format, unit: f.unit, from: f.from, to: f.to, status: f.status },
    ctx.clock.now(),
  );
  try {
    fs.writeFileSync(f.out, result.data);
  } catch (e) {
    throw new AppError('io', `export: cannot write ${f.out}: ${(e as Error).message}`);
  }
  ctx.io.out(`${f.out}: ${result.rows} rows${result.unit ? ` (${result.unit})` : ''}${f.format === 'xlsx' ? ' + 进展记录 + 操作记录 + 佐证材料' : ''}`);
  return 0;
}

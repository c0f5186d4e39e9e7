// `export` from the command line: the file it writes, and one-line errors with exit codes.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { loadConfig } from '../../src/config.ts';
import { fixedClock } from '../../src/clock.ts';
import { silentLogger } from '../../src/log.ts';
import { createCliContext } from '../../src/cli/context.ts';
import { parseArgs } from '../../src/cli/args.ts';
import { AppError } from '../../src/errors.ts';
import { exportCommand } from '../../src/cli/commands/export.ts';
import { makeLedgerWorld, LEDGER_NOW } from '../supervision/ledger-world.ts';
import { OFFICE, type World } from '../supervision/world.ts';

let w: World;
beforeAll(async () => {
  w = await makeLedgerWorld();
}, 60_000);
afterAll(async () => {
  await w?.close();
});

/** Runs the command as run-cli does: AppError → one stderr line, exit 2 for usage, 1 otherwise. */
async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const config = loadConfig({
    DATABASE_URL: 'file:' + path.join(w.dir, 'test.db'),
    DUBAN_OFFICE_UNIT: OFFICE,
    DUBAN_POLICY: path.join(w.dir, 'none.json'),
    DUBAN_HOLIDAYS: path.join(w.dir, 'none.json'),
  });
  const ctx = createCliContext(config, fixedClock(LEDGER_NOW), { out: (l) => out.push(l), err: (l) => err.push(l) }, silentLogger);
  let code: number;
  try {
    code = await exportCommand(ctx, parseArgs(['export', ...argv]));
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    err.push(`duban: ${e.message}`);
    code = e.code === 'usage' ? 2 : 1;
  } finally {
    await ctx.close();
  }
  return { code, out, err };
}

describe('export', () => {
  it('writes the workbook and says how many rows', async () => {
    const file = path.join(w.dir, 'ledger.xlsx');
    const r = await cli('--format', 'xlsx', '--out', file);
    expect(r).toEqual({ code: 0, out: [`${file}: 20 rows + 进展记录 + 操作记录 + 佐证材料`], err: [] });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['台账', '进展记录', '操作记录', '佐证材料']);
  });

  it('writes a filtered csv', async () => {
    const file = path.join(w.dir, 'red.csv');
    const r = await cli('--format', 'csv', '--out', file, '--unit', '区政府办', '--status', 'red');
    expect(r.code).toBe(0);
    expect(r.out).toEqual([`${file}: 1 rows (区政府办)`]);
    const text = fs.readFileSync(file, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text.trimEnd().split('\r\n')).toHaveLength(2);
  });

  it.each([
    [['--format', 'pdf', '--out', 'x.pdf'], 2, 'duban: export: --format: expected xlsx or csv'],
    [['--out', 'x.xlsx'], 2, 'duban: export: --format: expected xlsx or csv'],
    [['--format', 'csv', '--out', 'x.xlsx'], 2, 'duban: export: --out x.xlsx does not end in .csv (--format csv)'],
    [['--format', 'csv', '--out', 'x.csv', '--status', 'purple'], 2, 'duban: export: --status: expected one of done, on-track, blue, yellow, red'],
    [['--format', 'csv', '--out', 'x.csv', '--from', '2026/03/01'], 2, 'duban: export: --from: expected a date like 2027-02-22'],
    [['--format', 'csv', '--out', 'x.csv', '--color', 'red'], 2, 'duban: export: unknown option --color (expected --format, --out, --unit, --from, --to, --status)'],
    [['--format', 'csv', '--out', 'x.csv', '--unit', '不存在局'], 1, 'duban: export: no unit matches "不存在局" (see: units list)'],
    [['--format', 'csv', '--out', '/no/such/dir/x.csv'], 1, 'duban: export: directory /no/such/dir does not exist'],
  ])('%j → exit %i with one line', async (argv, code, line) => {
    const r = await cli(...argv);
    expect(r.code).toBe(code);
    expect(r.err).toEqual([line]);
  });
});

// The fixture plan stepped from February to 5 March 2026 with a few reports: reminders sent,
// 68's 03-01 report overdue for the silent units. Shared by the export, CLI and chat command tests.
import { instantAt } from '../../src/clock.ts';
import { plusDays } from '../../src/schedule/day-math.ts';
import { makeWorld, TZ, type World } from './world.ts';

export const LEDGER_NOW = instantAt('2026-03-05', '16:00', TZ);

export async function makeLedgerWorld(): Promise<World> {
  const w = await makeWorld({ start: '2026-02-01' });
  for (let d = '2026-02-01'; d <= '2026-03-05'; d = plusDays(d, 1)) {
    const now = instantAt(d, '10:00', TZ);
    w.clock.set(now);
    await w.app.schedulerPass(now);
    if (d === '2026-02-20') await w.report('区司法局', 68, 'done', d, { text: '报告已报区委' });
    if (d === '2026-03-03') await w.report('区司法局', 5, 'progress', d, { percent: 60, text: '目录初稿已完成, 待"审议"' });
  }
  w.clock.set(LEDGER_NOW);
  return w;
}

// The board keeps its lights between requests and recomputes only the tasks that got a report: after
// each change its data must be what a fresh computation (statusOf over everything) says.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instantAt } from '../../src/clock.ts';
import { createBoardData } from '../../src/board/board-data.ts';
import { loadSupervisionData } from '../../src/supervision/load-supervision.ts';
import { makeBoardWorld, NOW, TZ, type BoardWorld } from './world.ts';

let w: BoardWorld;
beforeAll(async () => {
  w = await makeBoardWorld();
}, 60_000);
afterAll(() => w?.close());

describe('board data between requests', () => {
  it('matches a fresh computation after reports, a report dated later than now, and a new day', async () => {
    const deps = { db: w.app.db, policy: w.app.policy, calendar: w.app.calendar, tz: TZ, officeUnit: w.officeUnit };
    const kept = createBoardData(deps);
    const same = async (now: Date) => {
      const [a, b, fresh] = await Promise.all([kept.load(now), createBoardData(deps).load(now), loadSupervisionData(deps, now)]);
      expect(a.statuses).toEqual(fresh.statuses);
      expect(a.rows).toEqual(b.rows);
      expect(a.progress.length).toBe(fresh.progress.length);
      return a;
    };
    const before = await same(NOW);
    const red68 = before.rows.find((r) => r.taskNumber === 68 && r.unitName === '区政府办')!;
    expect(red68.status).toBe('red');

    await w.report({ taskNumber: 68, unitName: '区政府办', status: 'done', percent: 100, text: '已报送', at: instantAt('2027-03-04', '09:00', TZ), milestoneKey: 'annual:03-01', occurrence: '2027-03-01' });
    const after = await same(NOW);
    expect(after.rows.find((r) => r.taskNumber === 68 && r.unitName === '区政府办')).toMatchObject({ status: 'on-track', latest: { text: '已报送' } });

    // A report stamped in the future is not known yet; once the clock passes it, it counts.
    await w.report({ taskNumber: 68, unitName: '区委办', status: 'blocked', text: '等待', at: instantAt('2027-03-05', '12:00', TZ) });
    expect((await same(NOW)).rows.find((r) => r.taskNumber === 68 && r.unitName === '区委办')!.latest).toBeNull();
    const later = await same(instantAt('2027-03-05', '13:00', TZ));
    expect(later.rows.find((r) => r.taskNumber === 68 && r.unitName === '区委办')).toMatchObject({ blocked: true, latest: { text: '等待' } });
    await same(instantAt('2027-04-02', '10:00', TZ));
  });
});

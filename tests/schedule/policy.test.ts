import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, ladderStepId, loadPolicy, OVERDUE_WEEKLY_CAP } from '../../src/schedule/policy.ts';

describe('loadPolicy', () => {
  it('fills every default from {}', () => {
    expect(loadPolicy({})).toEqual({
      sendTime: '09:17',
      blueWindowDays: 7,
      ladder: [
        { before: 30, unit: 'calendar' },
        { before: 7, unit: 'calendar' },
        { before: 3, unit: 'working' },
        { before: 1, unit: 'working' },
        { before: 0, unit: 'calendar' },
      ],
      overdue: { firstAfterWorkdays: 1, repeatEveryDays: 7, maxRepeats: OVERDUE_WEEKLY_CAP },
      continuous: { quarterlyCallDaysBeforeEnd: 10, idleDays: 90 },
      officeDigest: { weekday: 'monday', time: '09:23' },
      extension: { maxDays: 90, undecidedWorkdays: 3 },
    });
    expect(DEFAULT_POLICY.ladder.map(ladderStepId)).toEqual(['D-30', 'D-7', 'W-3', 'W-1', 'D0']);
  });

  it('ships data/reminder-policy.json equal to the defaults', () => {
    const { note, ...shipped } = loadPolicy(JSON.parse(fs.readFileSync('data/reminder-policy.json', 'utf8')));
    expect(note).toBeTruthy();
    expect(shipped).toEqual(DEFAULT_POLICY);
  });

  it('keeps the other defaults when one nested field is given', () => {
    expect(loadPolicy({ overdue: { maxRepeats: 4 } }).overdue).toEqual({ firstAfterWorkdays: 1, repeatEveryDays: 7, maxRepeats: 4 });
  });

  it.each([
    [{ sendTime: '9:17' }, 'sendTime: expected a time of day HH:mm'],
    [{ sendTime: '24:00' }, 'sendTime:'],
    [{ blueWindowDays: -1 }, 'blueWindowDays:'],
    [{ ladder: [{ before: 3, unit: 'weeks' }] }, 'ladder.0.unit:'],
    [{ ladder: [{ before: 3, unit: 'working' }, { before: 3, unit: 'working' }] }, 'ladder: ladder steps must be distinct'],
    [{ overdue: { maxRepeats: 99 } }, 'overdue.maxRepeats:'],
    [{ officeDigest: { weekday: 'mon' } }, 'officeDigest.weekday:'],
    [{ sendtime: '09:17' }, 'sendtime'],
  ])('rejects %j naming the field', (json, message) => {
    expect(() => loadPolicy(json)).toThrow(message);
  });
});

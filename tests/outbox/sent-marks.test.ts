import { describe, expect, it } from 'vitest';
import { createSentMarks } from '../../src/outbox/sent-marks.ts';

const AT = new Date('2027-02-22T01:30:00Z');

/** A repo whose statements finish when the test says so. */
function heldRepo() {
  const statements: { ids: number[]; finish(): void; fail(e: Error): void }[] = [];
  return {
    statements,
    markSentMany: (sent: { id: number }[]) =>
      new Promise<number>((resolve, reject) => {
        statements.push({ ids: sent.map((s) => s.id), finish: () => resolve(sent.length), fail: reject });
      }),
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('recording sends', () => {
  it('records a lone send at once, and the sends that finish meanwhile together in the next statement', async () => {
    const repo = heldRepo();
    const mark = createSentMarks(repo);
    const first = mark(1, 'om_1', AT);
    await tick();
    expect(repo.statements.map((s) => s.ids)).toEqual([[1]]);
    const later = [mark(2, 'om_2', AT), mark(3, 'om_3', AT), mark(4, 'om_4', AT)];
    await tick();
    expect(repo.statements).toHaveLength(1);
    repo.statements[0].finish();
    await first;
    await tick();
    expect(repo.statements.map((s) => s.ids)).toEqual([[1], [2, 3, 4]]);
    repo.statements[1].finish();
    await Promise.all(later);
  });

  it('a statement that fails fails the sends it carried, and the next ones are recorded again', async () => {
    const repo = heldRepo();
    const mark = createSentMarks(repo);
    const first = mark(1, 'om_1', AT);
    await tick();
    const second = mark(2, 'om_2', AT);
    repo.statements[0].fail(new Error('database is locked'));
    await expect(first).rejects.toThrow('database is locked');
    await tick();
    expect(repo.statements.map((s) => s.ids)).toEqual([[1], [2]]);
    repo.statements[1].finish();
    await expect(second).resolves.toBeUndefined();
  });
});

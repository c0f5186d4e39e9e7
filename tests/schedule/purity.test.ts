// src/schedule is pure (style.md rule 2): time comes in as `now`, nothing reads the environment,
// and nothing reaches the store or Lark.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = 'src/schedule';
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts'));

describe('src/schedule purity', () => {
  it.each([
    ['Date.now()', /Date\.now\(/],
    ['new Date() without an argument', /new Date\(\)/],
    ['dayjs() without an argument', /dayjs\(\)/],
    ['process.env', /process\.env/],
    ['store / chat / jobs / Prisma / Lark imports', /from '(\.\.\/(store|chat|jobs|outbox|cli)\/|@prisma|@larksuiteoapi)/],
    ['node: I/O modules', /from 'node:(fs|net|http|child_process)/],
  ])('no %s', (_what, pattern) => {
    const offenders = files.filter((f) => pattern.test(fs.readFileSync(path.join(dir, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});

// Reading a progress report's words: a percentage token, and a status word standing on its own at the
// start ("已完成", "done", "受阻 等待批复"). The same words inside a longer word ("已完成初稿": the first
// draft is done) or later in the sentence ("draft done") are just words.
import type { ProgressStatus } from '../../registry/types.ts';

export type ProgressWords =
  | { ok: true; status: ProgressStatus; percent: number | null; text: string }
  | { ok: false; reason: 'empty' }
  | { ok: false; reason: 'percent-range'; raw: string }
  | { ok: false; reason: 'done-with-percent'; percent: number };

const DONE = ['已完成', '完成了', '已办结', '办结', '已完成了', '完成', 'done', 'finished', 'completed', 'complete', '✅'];
const BLOCKED = ['受阻', '阻塞', '卡住了', '卡住', '有困难', 'blocked', 'stuck'];
const ONGOING = ['进行中', '推进中', '正在推进', 'in progress', 'ongoing', 'in-progress'];

// A status word ends at the end of text, a space or punctuation (never at another CJK character).
const END = String.raw`(?=$|[\s,.;:!?，。；：！？、\-—])`;
const alt = (xs: string[]) => xs.map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).sort((a, b) => b.length - a.length).join('|');
const LEADING = new RegExp(`^(?:(${alt(DONE)})|(${alt(BLOCKED)})|(${alt(ONGOING)}))${END}`, 'i');
const PERCENT = /^([+-]?\d+(?:\.\d+)?)%$/;

export function parseProgressWords(input: string): ProgressWords {
  // "60 %" → "60%"; the router already turned "６０％" into "60%".
  const tokens = input.replace(/(\d)\s+%/g, '$1%').split(/\s+/).filter(Boolean);
  let percent: number | null = null;
  const rest: string[] = [];
  for (const t of tokens) {
    const m = percent === null ? PERCENT.exec(t) : null;
    if (m) {
      const v = Number(m[1]);
      if (!Number.isFinite(v) || v < 0 || v > 100) return { ok: false, reason: 'percent-range', raw: t };
      percent = Math.round(v);
    } else rest.push(t);
  }
  const text = rest.join(' ');
  if (!text && percent === null) return { ok: false, reason: 'empty' };
  const lead = LEADING.exec(text);
  let status: ProgressStatus = 'progress';
  if (lead?.[1]) status = 'done';
  else if (lead?.[2]) status = 'blocked';
  if (status === 'done' && percent !== null && percent !== 100) return { ok: false, reason: 'done-with-percent', percent };
  if (percent === 100 && status === 'progress') status = 'done';
  return { ok: true, status, percent: status === 'done' && percent === null ? 100 : percent, text };
}

/** The leading status word, if the text starts with one (used to tell a unit name from a status). */
export function startsWithStatus(text: string): boolean {
  return LEADING.test(text);
}

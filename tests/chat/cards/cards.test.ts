import { describe, expect, it } from 'vitest';
import { reminderCard, FORM_LIMIT, type ReminderItem } from '../../../src/chat/cards/reminder-card.ts';
import { taskListCard, type TaskLine } from '../../../src/chat/cards/task-list-card.ts';
import { taskDetailCard } from '../../../src/chat/cards/task-detail-card.ts';
import { deadlineCard } from '../../../src/chat/cards/deadline-card.ts';
import { cardToText } from '../../../src/chat/cards/card-to-text.ts';
import { cardBytes, countElements } from '../../../src/chat/cards/common.ts';
import type { ParsedPlan } from '../../../src/registry/types.ts';
import { createUnitRepo } from '../../../src/store/unit-repo.ts';
import { makeFixture, PLAN, shown } from '../commands/fixture.ts';

const LONG = '严格执行法治政府建设年度报告制度,各级各部门每年3月1日前完成上一年度法治政府建设情况报告,并于4月1日前将报告通过报刊、政府网站等向社会公开。'.repeat(3);
const N = 75;

function underLimits(card: Record<string, unknown>) {
  expect(card.schema).toBe('2.0');
  expect(card.config).toEqual({ update_multi: true });
  expect(cardBytes(card)).toBeLessThan(30 * 1024);
  expect(countElements(card)).toBeLessThanOrEqual(200);
}

const items: ReminderItem[] = Array.from({ length: N }, (_, i) => ({
  taskNumber: i + 1,
  taskText: LONG,
  role: i % 3 ? 'other' : 'lead',
  unitName: '各乡镇(街道)',
  label: `完成第 ${i + 1} 项 *重点* <工作>`,
  milestoneKey: `once:2026-03-${String((i % 28) + 1).padStart(2, '0')}`,
  occurrence: `2026-03-${String((i % 28) + 1).padStart(2, '0')}`,
  step: 'T-3',
  daysLeft: (i % 28) - 4,
}));

describe('reminderCard', () => {
  it('75 items for one collective unit: under 30 KB and 200 elements, nearest first, the rest summarised', () => {
    const card = reminderCard(items, '各乡镇(街道)', '2026-03-05');
    underLimits(card);
    const text = cardToText(card);
    expect(text.split('\n')[0]).toBe('【各乡镇(街道) · 2026-03-05 督办提醒（75 项）】');
    expect(text).toMatch(/还有 \d+ 项，发送 `任务 \d+` 查看单项。$/);
    // Overdue by 4 days comes first; user words are escaped in markdown and shown as typed in text.
    expect(text).toContain('任务 1 · 你单位牵头 · 期限 2026-03-01（逾期 4 天）');
    expect(text).toContain('完成第 1 项 *重点* <工作>');
    expect(JSON.stringify(card)).not.toContain('*重点*');
    expect(text).toContain('`@督办 进度 1 60% 已完成初稿`');
    expect((card as { header: { template: string } }).header.template).toBe('red');
  });

  it('the nearest items carry a done button and a form whose submit value names task, unit, occurrence', () => {
    const card = reminderCard(items.slice(0, 2), '区司法局', '2026-03-05') as { body: { elements: Record<string, unknown>[] } };
    const forms = card.body.elements.filter((e) => e.tag === 'form') as { name: string; elements: Record<string, unknown>[] }[];
    expect(forms.map((f) => f.name)).toEqual(['form_0', 'form_1']);
    const [status, percent, note, submit] = forms[0].elements;
    expect(status).toMatchObject({ tag: 'select_static', name: 'status_0', initial_option: 'progress' });
    expect((status.options as { value: string }[]).map((o) => o.value)).toEqual(['progress', 'done', 'blocked']);
    expect(percent).toMatchObject({ tag: 'input', name: 'percent_0' });
    expect(note).toMatchObject({ tag: 'input', name: 'note_0' });
    expect(submit).toMatchObject({ tag: 'button', form_action_type: 'submit', name: 'submit_0' });
    expect((submit.behaviors as { value: unknown }[])[0].value).toEqual({ op: 'progress', task: 1, unit: '各乡镇(街道)', mk: 'once:2026-03-01', occ: '2026-03-01', day: '2026-03-05', slot: 0 });
    const done = card.body.elements.find((e) => e.tag === 'button' && e.name === 'done_0') as { behaviors: { value: { op: string } }[] };
    expect(done.behaviors[0].value.op).toBe('done');
    const text = cardToText(card);
    expect(text).toContain('[已完成 Done]');
    expect(text).toContain('[状态: 进行中 / 已完成 / 受阻]');
    // Every interactive name is unique within the card.
    const names = JSON.stringify(card).match(/"name":"[^"]+"/g) ?? [];
    expect(new Set(names).size).toBe(names.length);
  });

  it(`forms stop after ${FORM_LIMIT} items`, () => {
    const card = reminderCard(items.slice(0, 8), '区司法局', '2026-03-05');
    expect(JSON.stringify(card).match(/"tag":"form"/g)?.length).toBe(FORM_LIMIT);
  });
});

describe('list and detail cards under the limits', () => {
  const lines: TaskLine[] = Array.from({ length: N }, (_, i) => ({
    number: i + 1,
    text: LONG,
    role: 'other',
    unitName: '各乡镇(街道)',
    light: 'on-track',
    next: { occurrence: '2026-04-01', daysLeft: 27, label: LONG, describe: '每年4月1日前' },
    latest: { status: 'progress', percent: 50, text: LONG, who: '张三', day: '2026-03-01' },
  }));

  it('task list pages', () => {
    const { card, pages } = taskListCard(lines, { units: ['各乡镇(街道)'], lang: 'zh' });
    underLimits(card);
    expect(pages).toBe(5);
    const text = cardToText(card);
    expect(text).toContain('【各乡镇(街道) · 我的任务（75 项）】 第 1/5 页');
    expect(text).toMatch(/还有 60 项，发送 `我的任务 2` 看下一页，发送 `任务 16` 查看单项。$/);
    const last = cardToText(taskListCard(lines, { units: ['各乡镇(街道)'], lang: 'en', page: 5 }).card);
    expect(last).toContain('page 5/5');
    expect(last).not.toContain('more');
  });

  it('deadline card and task detail with 75 units', () => {
    const dl = deadlineCard(
      lines.map((l) => ({ taskNumber: l.number, taskText: LONG, describe: '每年3月1日前', label: LONG, occurrence: '2026-03-01', daysLeft: -4, units: ['区委办', '区政府办', '各乡镇(街道)'] })),
      { kind: 'overdue', lang: 'zh' },
    );
    underLimits(dl);
    expect(cardToText(dl)).toMatch(/还有 \d+ 项，发送 `任务 \d+` 查看单项。$/);
    const detail = taskDetailCard(
      {
        number: 68, chapter: '十', section: '三十', text: LONG, schedule: LONG, retired: false, lead: ['区委办'], other: ['各乡镇(街道)'],
        milestones: [{ describe: '每年3月1日前', label: LONG, next: { occurrence: '2027-03-01', daysLeft: 361 } }],
        units: Array.from({ length: N }, (_, i) => ({ name: `第${i}镇`, light: 'overdue' as const, latest: { status: 'progress' as const, percent: 10, text: LONG, who: '李四', day: '2026-03-01' } })),
      },
      'zh',
    );
    underLimits(detail);
    expect(cardToText(detail)).toMatch(/另有 \d+ 个单位未列出。$/);
  });

  it('my tasks for a collective unit with all 75 tasks, through the router', async () => {
    const plan: ParsedPlan = {
      ...PLAN,
      tasks: Array.from({ length: N }, (_, i) => ({
        ...PLAN.tasks[3],
        number: i + 1,
        text: LONG,
        milestones: [{ kind: 'once' as const, due: `2026-${String((i % 9) + 3).padStart(2, '0')}-15`, label: LONG, source: 'x' }],
      })),
    };
    const f = await makeFixture({ plan });
    try {
      await createUnitRepo(f.db).bind('各乡镇(街道)', 'oc_all_towns', { actor: 'cli', source: 'cli' });
      const r = await f.say('我的任务', { chatId: 'oc_all_towns' });
      expect(r?.kind).toBe('card');
      if (r?.kind !== 'card') return;
      underLimits(r.card);
      expect(shown(r)).toContain('各乡镇(街道) · 我的任务（75 项）');
      expect(shown(r)).toContain('还有 60 项');
      const p2 = await f.say('我的任务 2', { chatId: 'oc_all_towns' });
      expect(shown(p2)).toContain('第 2/5 页');
      for (const t of ['逾期', '本周']) {
        const d = await f.say(t, { chatId: 'oc_office' });
        if (d?.kind === 'card') underLimits(d.card);
      }
    } finally {
      await f.close();
    }
  });
});

// The reminder a unit's chat receives: every item due for that unit, nearest first, each saying
// whether the unit leads or takes part, the deadline, what is asked and how to report; the nearest
// items carry a "done" button and a progress form whose submit value names task, unit and occurrence.
import type { ProgressStatus } from '../../registry/types.ts';
import { clip, copy } from '../copy.ts';
import type { Lang } from '../commands/types.ts';
import { escapeMd, fitBlocks, hr, makeCard, md, plain, type Element, type Template } from './common.ts';

export interface ReminderItem {
  taskNumber: number;
  taskText: string;
  role: 'lead' | 'other';
  unitName: string;
  /** What is asked (the milestone's label). */
  label: string;
  milestoneKey: string;
  /** YYYY-MM-DD: the occurrence's own due day (what a report answers). */
  occurrence: string;
  /** The deadline in force when an approved extension moved it. */
  extendedTo?: string;
  step: string;
  /** Negative = overdue. */
  daysLeft: number;
  periodLabel?: string;
}

/** What a button or form submit carries back (card.action.trigger `action.value`). */
export interface ReminderActionValue {
  /** extend: the "apply for extension" form (new date, reason). */
  op: 'progress' | 'done' | 'extend';
  task: number;
  unit: string;
  mk: string;
  occ: string;
  /** The reminder's day, to redraw the card with the same title. */
  day: string;
  /** Which item's form: field names are `status_<slot>` etc. because names must be card-unique. */
  slot: number;
  /** The card holds more than this unit's items (the office's daily card): answer with a toast, keep the card. */
  keep?: boolean;
}

export interface Receipt {
  who: string;
  status: ProgressStatus;
  percent: number | null;
  when: string;
}

/** Forms are ~17 elements each; beyond the nearest few, items are reported by command or reply. */
export const FORM_LIMIT = 5;

export const receiptKey = (task: number, mk: string, occ: string) => `${task}|${mk}|${occ}`;

const STATUSES: ProgressStatus[] = ['progress', 'done', 'blocked'];

interface BlockOptions {
  lang: Lang;
  withForm: boolean;
  receipt: Receipt | undefined;
  single: boolean;
  keep: boolean;
}

function itemBlock(item: ReminderItem, slot: number, day: string, o: BlockOptions): Element[] {
  const { lang, withForm, receipt, single } = o;
  const c = copy(lang);
  const base = { task: item.taskNumber, unit: item.unitName, mk: item.milestoneKey, occ: item.occurrence, day, slot, ...(o.keep ? { keep: true } : {}) };
  const lines = [
    `**${c.taskTitle(item.taskNumber)}** · ${c.youRole[item.role]} · ${c.deadline} **${item.extendedTo ?? item.occurrence}**${c.paren(
      item.extendedTo ? `${c.dueMoved(item.occurrence, item.extendedTo)}${c.clauseSep}${c.daysLeft(item.daysLeft)}` : c.daysLeft(item.daysLeft),
    )}${item.periodLabel ? ` · ${escapeMd(item.periodLabel)}` : ''}`,
    escapeMd(clip(item.label || item.taskText, 80)),
    ...(item.label && item.label !== item.taskText ? [`<font color='grey'>${escapeMd(clip(item.taskText, 80))}</font>`] : []),
    c.howToReport(item.taskNumber, single),
  ];
  const els: Element[] = [md(lines.join('\n'))];
  if (receipt) {
    els.push(md(c.received(escapeMd(receipt.who), receipt.status, receipt.percent, receipt.when)));
    return els;
  }
  if (!withForm) return els;
  const doneValue: ReminderActionValue = { op: 'done', ...base };
  const submitValue: ReminderActionValue = { op: 'progress', ...base };
  els.push(
    {
      tag: 'button',
      name: `done_${slot}`,
      text: plain(c.doneButton),
      type: 'primary_filled',
      behaviors: [{ type: 'callback', value: doneValue }],
    },
    {
      tag: 'form',
      name: `form_${slot}`,
      elements: [
        {
          tag: 'select_static',
          name: `status_${slot}`,
          placeholder: plain(c.formStatus),
          initial_option: 'progress',
          options: STATUSES.map((s) => ({ text: plain(c.status[s]), value: s })),
        },
        { tag: 'input', name: `percent_${slot}`, placeholder: plain(c.formPercent), max_length: 5 },
        { tag: 'input', name: `note_${slot}`, placeholder: plain(c.formNote), max_length: 500 },
        {
          tag: 'button',
          name: `submit_${slot}`,
          text: plain(c.formSubmit),
          type: 'primary',
          form_action_type: 'submit',
          behaviors: [{ type: 'callback', value: submitValue }],
        },
        // Before the deadline the unit may ask to move it, in the same form (Lark keeps forms at the
        // card's root, never inside a folded panel): a date, a reason and a button of its own.
        ...(item.daysLeft >= 0
          ? [
              { tag: 'date_picker', name: `newdue_${slot}`, placeholder: plain(c.formNewDue) },
              { tag: 'input', name: `reason_${slot}`, placeholder: plain(c.formReason), max_length: 300 },
              {
                tag: 'button',
                name: `extend_${slot}`,
                text: plain(c.extendButton),
                type: 'default',
                form_action_type: 'submit',
                behaviors: [{ type: 'callback', value: { ...base, op: 'extend' } satisfies ReminderActionValue }],
              },
            ]
          : []),
      ],
    },
  );
  return els;
}

export interface ReminderBlocksOptions {
  lang?: Lang;
  receipts?: Map<string, Receipt>;
  /** The blocks go into a card that holds more (the office's daily card): buttons keep it as it is. */
  keep?: boolean;
}

/** The items nearest first, one block each (forms on the first FORM_LIMIT), for this card or another. */
export function reminderBlocks(items: ReminderItem[], day: string, opts: ReminderBlocksOptions = {}): { sorted: ReminderItem[]; blocks: Element[][] } {
  const lang = opts.lang ?? 'zh';
  const sorted = [...items].sort((a, b) => a.daysLeft - b.daysLeft || a.taskNumber - b.taskNumber);
  const blocks = sorted.map((item, i) => {
    const receipt = opts.receipts?.get(receiptKey(item.taskNumber, item.milestoneKey, item.occurrence));
    const o = { lang, withForm: i < FORM_LIMIT, receipt, single: sorted.length === 1, keep: opts.keep ?? false };
    return [...(i ? [hr()] : []), ...itemBlock(item, i, day, o)];
  });
  return { sorted, blocks };
}

/** Header colour of a list of items: red when one is overdue, orange when one is 3 days off or less. */
export function urgencyTemplate(items: ReminderItem[]): Template {
  const worst = Math.min(99, ...items.map((i) => i.daysLeft));
  return worst < 0 ? 'red' : worst <= 3 ? 'orange' : 'blue';
}

export function reminderCard(
  items: ReminderItem[],
  unit: string,
  day: string,
  opts: { lang?: Lang; receipts?: Map<string, Receipt> } = {},
): Record<string, unknown> {
  const c = copy(opts.lang ?? 'zh');
  const { sorted, blocks } = reminderBlocks(items, day, opts);
  const title = c.reminderTitle(unit, sorted.length, day);
  return fitBlocks((els) => makeCard(title, urgencyTemplate(sorted), els), [md(c.reminderAsk)], blocks, (shown) =>
    shown < sorted.length ? [hr(), md(c.more(sorted.length - shown, null, sorted[shown].taskNumber))] : null,
  ).card;
}

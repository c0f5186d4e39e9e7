// The office's card for one extension request: what is asked, why, by whom, and two buttons (approve /
// refuse) with a comment field. Once decided, the same card is redrawn with the decision and no buttons.
import type { Card } from '../gateway.ts';
import { copy } from '../copy.ts';
import { escapeMd, hr, makeCard, md, plain, type Element } from './common.ts';
import type { ExtensionRecord } from '../../schedule/extensions.ts';
import { diffDays } from '../../schedule/day-math.ts';

/** What a decision button carries back (card.action.trigger `action.value`). */
export interface ExtensionActionValue {
  op: 'extension';
  id: number;
  decision: 'approve' | 'refuse';
}

export interface ExtensionCardInput {
  extension: ExtensionRecord;
  taskText: string;
  label: string;
  /** When the request was made, as the office reads it (MM-DD HH:mm). */
  askedAt: string;
  /** When decided, likewise. */
  decidedAt?: string;
}

export function extensionCard(x: ExtensionCardInput): Card {
  const e = x.extension;
  const c = copy('zh');
  const who = e.requesterName ?? e.requesterId;
  const lines = [
    `**任务 ${e.taskNumber}** · ${escapeMd(e.unitName)}`,
    escapeMd(x.label || x.taskText),
    `现行期限 **${e.fromDue}**${e.fromDue !== e.occurrence ? `（原定 ${e.occurrence}）` : ''} → 申请延至 **${e.newDue}**（延后 ${diffDays(e.fromDue, e.newDue)} 天）`,
    `原因：${escapeMd(e.reason)}`,
    `<font color='grey'>申请人 ${escapeMd(who)} · ${x.askedAt}</font>`,
  ];
  const els: Element[] = [md(lines.join('\n'))];
  if (e.status === 'pending') {
    const value = (decision: ExtensionActionValue['decision']): ExtensionActionValue => ({ op: 'extension', id: e.id, decision });
    els.push({
      tag: 'form',
      name: `extension_${e.id}`,
      elements: [
        { tag: 'input', name: 'comment', placeholder: plain('审批意见（可选）'), max_length: 300 },
        {
          tag: 'button',
          name: 'approve',
          text: plain('批准 Approve'),
          type: 'primary',
          form_action_type: 'submit',
          behaviors: [{ type: 'callback', value: value('approve') }],
        },
        {
          tag: 'button',
          name: 'refuse',
          text: plain('不批准 Refuse'),
          type: 'danger',
          form_action_type: 'submit',
          behaviors: [{ type: 'callback', value: value('refuse') }],
        },
      ],
    });
  } else {
    const by = e.decidedByName ?? e.decidedBy ?? '';
    els.push(
      hr(),
      md(`${e.status === 'approved' ? '✅' : '❌'} **${c.extensionStatus[e.status]}** · ${escapeMd(by)}${x.decidedAt ? ` · ${x.decidedAt}` : ''}${e.comment ? `\n意见：${escapeMd(e.comment)}` : ''}`),
    );
  }
  const template = e.status === 'pending' ? 'orange' : e.status === 'approved' ? 'green' : 'grey';
  return makeCard(`延期申请 #${e.id} · 任务 ${e.taskNumber} · ${e.unitName}`, template, els, c.extensionStatus[e.status]);
}

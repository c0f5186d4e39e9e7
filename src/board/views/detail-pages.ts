// /board/task/N and /board/unit/NAME: a task's units, milestones, history and reminders; a unit's
// tasks, last answer, unanswered reminders and response time.
import { html } from 'ghtml';
import type { TaskDetail } from '../task-detail.ts';
import type { UnitDetail } from '../unit-detail.ts';
import { rowsTable } from './board-page.ts';
import { LIGHTS_WORST_FIRST, instant, lightBadge, page, type PageContext } from './layout.ts';

const langQ = (ctx: PageContext) => (ctx.lang === 'en' ? '?lang=en' : '');
/** Years of ignored reminders make a long page; the newest are the ones to chase (the API has all). */
const UNANSWERED_SHOWN = 100;

export function taskPage(t: TaskDetail, ctx: PageContext): string {
  const { w } = ctx;
  const milestones = t.milestones.map(
    (m) => html`<tr data-milestone="${m.key}"><td>${m.rule}</td><td>${m.label}</td><td>${m.historical ? w.historical : (m.nextDue ?? '')}${m.periodLabel ? `（${m.periodLabel}）` : ''}</td><td class="source">「${m.source}」</td></tr>`,
  );
  const history = t.history.map(
    (h) =>
      html`<tr class="report"><td>${instant(h.at, ctx.tz)}</td><td>${h.unitName}</td><td>${h.by}</td><td>${w.progress[h.status]}</td><td>${h.percent !== null ? `${h.percent}%` : ''}</td><td class="words">${h.text}</td><td>${w.via[h.via] ?? h.via}</td></tr>`,
  );
  const reminders = t.reminders.map(
    (r) =>
      html`<tr class="reminder outbox-${r.status}"><td>${r.sendOn}</td><td>${r.unitName}</td><td>${w.reminderKind[r.kind] ?? r.kind} <small>${r.step}</small></td><td>${r.occurrence}</td><td>${w.outbox[r.status] ?? r.status}</td><td>${instant(r.sentAt, ctx.tz)}</td><td>${r.attempts}</td><td class="error">${r.lastError ?? ''}</td></tr>`,
  );
  const body = html`<p><a href="/board${langQ(ctx)}">← ${w.back}</a></p>
<h1>${w.taskTitle(t.number)} !${lightBadge(t.status, w)}</h1>
<p class="chapter">${t.chapter}${t.section ? ` · ${t.section}` : ''}</p>
<p class="task-text">${t.text}</p>
<p><b>${w.schedule}：</b>${t.schedule}</p>
<h2>${w.units}</h2>
!${t.units.length ? rowsTable(t.units, ctx, { contentColumn: false }) : ''}
<h2>${w.milestones}</h2>
<table class="milestones"><thead><tr><th>${w.milestoneCols.rule}</th><th>${w.milestoneCols.label}</th><th>${w.milestoneCols.next}</th><th>${w.milestoneCols.source}</th></tr></thead><tbody>!${milestones.join('')}</tbody></table>
<h2>${w.history}</h2>
!${
    history.length
      ? html`<table class="history"><thead><tr><th>${w.historyCols.at}</th><th>${w.historyCols.unit}</th><th>${w.historyCols.by}</th><th>${w.historyCols.status}</th><th>${w.historyCols.percent}</th><th>${w.historyCols.text}</th><th>${w.historyCols.via}</th></tr></thead><tbody>!${history.join('')}</tbody></table>`
      : html`<p class="empty">${w.noHistory}</p>`
  }
<h2>${w.reminders}</h2>
!${
    reminders.length
      ? html`<table class="reminders"><thead><tr><th>${w.reminderCols.sendOn}</th><th>${w.reminderCols.unit}</th><th>${w.reminderCols.kind}</th><th>${w.reminderCols.occurrence}</th><th>${w.reminderCols.status}</th><th>${w.reminderCols.sentAt}</th><th>${w.reminderCols.attempts}</th><th>${w.reminderCols.error}</th></tr></thead><tbody>!${reminders.join('')}</tbody></table>`
      : html`<p class="empty">${w.noReminders}</p>`
  }`;
  return page(ctx, w.taskTitle(t.number), body);
}

export function unitPage(u: UnitDetail, ctx: PageContext): string {
  const { w } = ctx;
  const last = u.lastAnswer;
  const unanswered = u.unanswered.slice(0, UNANSWERED_SHOWN).map(
    (r) =>
      html`<tr class="unanswered"><td>${instant(r.sentAt, ctx.tz)}</td><td><a href="/board/task/${r.taskNumber}${langQ(ctx)}">${r.taskNumber}</a></td><td>${w.reminderKind[r.kind] ?? r.kind}</td><td>${r.occurrence}</td><td>${r.daysSince}</td></tr>`,
  );
  const body = html`<p><a href="/board${langQ(ctx)}">← ${w.back}</a></p>
<h1>${w.unitTitle(u.unitName)}</h1>
<p>${u.aliases.length ? `${w.aliases}：${u.aliases.join('、')} · ` : ''}${u.chatBound ? w.chatBound : w.chatUnbound}</p>
<nav class="totals">!${LIGHTS_WORST_FIRST.map((l) => html`<span class="chip light-${l}"><b>${u.counts[l]}</b> ${w.light[l]}</span>`).join('')}</nav>
<dl class="facts">
<dt>${w.lastAnswer}</dt><dd class="last-answer">!${
    last
      ? html`${instant(last.at, ctx.tz)} · <a href="/board/task/${last.taskNumber}${langQ(ctx)}">${w.taskTitle(last.taskNumber)}</a> · ${w.progress[last.status]}${last.percent !== null ? ` ${last.percent}%` : ''} · <span class="words">${last.text}</span> · ${last.by}`
      : html`${w.never}`
  }</dd>
<dt>${w.responseTime}</dt><dd class="response">${w.responseLine(u.response.answered, u.response.asked, u.response.medianHours)}</dd>
</dl>
<h2>${w.unanswered}</h2>
!${
    unanswered.length
      ? html`!${u.unanswered.length > UNANSWERED_SHOWN ? html`<p class="note">${w.newestOf(UNANSWERED_SHOWN, u.unanswered.length)}</p>` : ''}<table class="unanswered"><thead><tr><th>${w.unansweredCols.sentAt}</th><th>${w.unansweredCols.task}</th><th>${w.unansweredCols.kind}</th><th>${w.unansweredCols.occurrence}</th><th>${w.unansweredCols.days}</th></tr></thead><tbody>!${unanswered.join('')}</tbody></table>`
      : html`<p class="empty">${w.noUnanswered}</p>`
  }
<h2>${w.tasksOfUnit}</h2>
!${u.rows.length ? rowsTable(u.rows, ctx, { unitColumn: false }) : html`<p class="empty">${w.noRows}</p>`}`;
  return page(ctx, w.unitTitle(u.unitName), body);
}

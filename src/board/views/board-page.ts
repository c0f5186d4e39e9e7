// /board: totals, the per-unit chart (inline SVG: no chart library, no inline styles under the CSP),
// the filter form, the table of task × unit rows, and paging.
import { html } from 'ghtml';
import { dayOf } from '../../clock.ts';
import type { UnitCounts } from '../../supervision/digest.ts';
import { STATUS_COLOR } from '../../supervision/status-words.ts';
import { DUE_PRESETS, SORTS, filterQuery, type BoardFilter } from '../filters.ts';
import type { BoardRow, BoardView } from '../board-rows.ts';
import { LIGHTS_WORST_FIRST, clip, lightBadge, page, type PageContext } from './layout.ts';

/** Bars past this many units make the chart unreadable; the rest are the best-off units (worst first). */
export const CHART_MAX_UNITS = 30;
const BAR_H = 18;
const LABEL_W = 230;
const BARS_W = 640;

function chart(perUnit: UnitCounts[], f: BoardFilter, ctx: PageContext): string {
  const { w } = ctx;
  const shown = perUnit.slice(0, CHART_MAX_UNITS);
  if (shown.length === 0) return '';
  const max = Math.max(...shown.map((u) => u.total));
  const height = shown.length * BAR_H + 8;
  const bars = shown.map((u, i) => {
    let x = LABEL_W;
    const y = i * BAR_H + 4;
    const segs = LIGHTS_WORST_FIRST.filter((l) => u.counts[l] > 0).map((l) => {
      const width = (u.counts[l] / max) * BARS_W;
      const seg = html`<rect x="${x.toFixed(1)}" y="${y}" width="${width.toFixed(1)}" height="${BAR_H - 6}" fill="${STATUS_COLOR[l]}"><title>${u.unitName} · ${w.light[l]} ${u.counts[l]}</title></rect>`;
      x += width;
      return seg;
    });
    const href = `/board${filterQuery({ ...f, unit: u.unitName, page: 1 }, ctx.lang === 'en' ? { lang: 'en' } : {})}`;
    return html`<a href="${href}" class="bar" data-unit="${u.unitName}"><text x="${LABEL_W - 8}" y="${y + BAR_H - 10}" text-anchor="end">${clip(u.unitName, 14)}</text>!${segs.join('')}<text x="${(x + 6).toFixed(1)}" y="${y + BAR_H - 10}" class="n">${u.total}</text></a>`;
  });
  const legend = LIGHTS_WORST_FIRST.map((l) => html`<span class="key"><i class="swatch light-${l}"></i>${w.light[l]}</span>`).join(' ');
  return html`<figure class="chart">
<figcaption>${w.chartTitle}</figcaption>
<div class="bars"><svg viewBox="0 0 ${LABEL_W + BARS_W + 60} ${height}" width="100%" role="img" aria-label="${w.chartTitle}">!${bars.join('')}</svg></div>
<div class="legend">!${legend}</div>
!${perUnit.length > shown.length ? html`<p class="note">${w.chartMore(perUnit.length - shown.length)}</p>` : ''}
</figure>`;
}

function option(value: string, label: string, selected: boolean): string {
  return html`<option value="${value}"!${selected ? ' selected' : ''}>${label}</option>`;
}

function filterForm(v: BoardView, f: BoardFilter, ctx: PageContext): string {
  const { w } = ctx;
  const exportQuery = (fmt: 'xlsx' | 'csv') => `/board/export.${fmt}${filterQuery({ ...f, page: 1, sort: 'task' })}`;
  return html`<form class="filters" method="get" action="/board" data-autosubmit>
!${ctx.lang === 'en' ? html`<input type="hidden" name="lang" value="en">` : ''}
<label>${w.chapter}<select name="chapter">!${option('', w.any, !f.chapter)}!${v.chapters.map((c) => option(c, clip(c, 24), f.chapter === c)).join('')}</select></label>
<label>${w.unit}<select name="unit">!${option('', w.any, !f.unit)}!${v.units.map((u) => option(u, u, v.unit === u)).join('')}</select></label>
<label>${w.lightLabel}<select name="light">!${option('', w.any, !f.light)}!${LIGHTS_WORST_FIRST.map((l) => option(l, w.light[l], f.light === l)).join('')}</select></label>
<label>${w.roleLabel}<select name="role">!${option('', w.any, !f.role)}!${(['lead', 'other'] as const).map((r) => option(r, w.role[r], f.role === r)).join('')}</select></label>
<label>${w.due}<select name="due">!${option('', w.dueAny, !f.due)}!${DUE_PRESETS.map((d) => option(d, w.duePreset[d], f.due === d)).join('')}</select></label>
<label>${w.from}<input type="date" name="from" value="${f.from ?? ''}"></label>
<label>${w.to}<input type="date" name="to" value="${f.to ?? ''}"></label>
<label>${w.sort}<select name="sort">!${SORTS.map((s) => option(s, w.sortBy[s], f.sort === s)).join('')}</select></label>
<button type="submit">${w.apply}</button>
<a href="/board!${ctx.lang === 'en' ? '?lang=en' : ''}">${w.reset}</a>
<span class="export"><a class="button" href="${exportQuery('xlsx')}" download>${w.exportXlsx}</a> <a href="${exportQuery('csv')}" download>${w.exportCsv}</a></span>
</form>`;
}

function totalsStrip(v: BoardView, f: BoardFilter, ctx: PageContext): string {
  const { w } = ctx;
  return html`<nav class="totals">!${LIGHTS_WORST_FIRST.map(
    (l) =>
      html`<a class="chip light-${l}" href="/board${filterQuery({ ...f, light: l, page: 1 }, ctx.lang === 'en' ? { lang: 'en' } : {})}"><b>${v.totals[l]}</b> ${w.light[l]}</a>`,
  ).join('')}</nav>`;
}

/** Rows as a table; a unit's page leaves out the unit, a task's page the task's text. */
export function rowsTable(rows: BoardRow[], ctx: PageContext, opts: { unitColumn?: boolean; contentColumn?: boolean } = {}): string {
  const { w } = ctx;
  const lang = ctx.lang === 'en' ? '?lang=en' : '';
  const unitColumn = opts.unitColumn !== false;
  const contentColumn = opts.contentColumn !== false;
  const body = rows.map((r) => {
    const latest = r.latest
      ? html`<span class="day">${dayOf(r.latest.at, ctx.tz)}</span> ${w.progress[r.latest.status]}${r.latest.percent !== null ? ` ${r.latest.percent}%` : ''} <span class="words">${clip(r.latest.text, 40)}</span>`
      : html`<span class="none">${w.noReport}</span>`;
    return html`<tr class="row light-row-${r.status}" data-task="${r.taskNumber}" data-unit="${r.unitName}" data-light="${r.status}">
<td class="num"><a href="/board/task/${r.taskNumber}${lang}">${r.taskNumber}</a></td>
!${contentColumn ? html`<td class="content" title="${r.taskText}">${clip(r.taskText, 60)}</td>` : ''}
!${unitColumn ? html`<td><a href="/board/unit/${encodeURIComponent(r.unitName)}${lang}">${r.unitName}</a></td>` : ''}
<td>${w.role[r.role]}</td>
<td>!${lightBadge(r.status, w, r.blocked && r.status !== 'done' ? ` · ${w.blocked}` : '')}</td>
<td class="due">${r.nextDue ?? ''}!${r.daysLeft !== null ? html` <small>${w.daysLeft(r.daysLeft)}</small>` : ''}</td>
<td class="latest">!${latest}</td>
</tr>`;
  });
  return html`<table class="rows">
<thead><tr><th>${w.col.task}</th>!${contentColumn ? html`<th>${w.col.content}</th>` : ''}!${unitColumn ? html`<th>${w.col.unit}</th>` : ''}<th>${w.col.role}</th><th>${w.col.light}</th><th>${w.col.nextDue}</th><th>${w.col.latest}</th></tr></thead>
<tbody>!${body.join('')}</tbody>
</table>`;
}

function pager(v: BoardView, f: BoardFilter, ctx: PageContext): string {
  const { w } = ctx;
  if (v.pages <= 1) return '';
  const link = (p: number) => `/board${filterQuery({ ...f, page: p }, ctx.lang === 'en' ? { lang: 'en' } : {})}`;
  return html`<nav class="pager">!${v.page > 1 ? html`<a rel="prev" href="${link(v.page - 1)}">${w.prev}</a>` : ''} <span>${w.pageOf(v.page, v.pages)}</span> !${v.page < v.pages ? html`<a rel="next" href="${link(v.page + 1)}">${w.next}</a>` : ''}</nav>`;
}

export function boardPage(v: BoardView, f: BoardFilter, ignored: string[], ctx: PageContext): string {
  const { w } = ctx;
  const notes = [
    ...(ignored.length ? [w.ignored(ignored.join(', '))] : []),
    ...(v.unit === null && f.unit ? [w.unknownUnit(f.unit)] : []),
  ];
  const body = html`<h1>${w.title}</h1>
!${notes.map((n) => html`<p class="note warn">${n}</p>`).join('')}
!${totalsStrip(v, f, ctx)}
!${chart(v.perUnit, f, ctx)}
!${filterForm(v, f, ctx)}
<p class="count">${w.rowsOf(v.rows.length, v.total)}</p>
!${v.rows.length ? rowsTable(v.rows, ctx) : html`<p class="empty">${w.noRows}</p>`}
!${pager(v, f, ctx)}`;
  return page(ctx, w.title, body);
}

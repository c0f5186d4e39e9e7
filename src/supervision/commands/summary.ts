// 汇总 [单位] / summary [unit]: the weekly digest, on demand, for one unit or for all.
import { isoWeekOf } from '../iso-week.ts';
import { buildDigest } from '../digest.ts';
import { digestCard } from '../digest-card.ts';
import { loadSupervisionData } from '../load-supervision.ts';
import { dayOf } from '../../clock.ts';
import { card, text, type Command, type Lang } from '../../chat/commands/types.ts';
import { mayUseOfficeViews, refusal, resolveUnit, supervisionDeps, type SupervisionCommandContext } from './access.ts';

export const summaryCommand: Command<{ lang: Lang; unit: string | null }> = {
  name: 'summary',
  match: (t) => {
    const m = /^(?:(汇总)|(summary))(?:\s+(.+))?$/i.exec(t);
    if (!m) return null;
    return { lang: m[2] ? 'en' : 'zh', unit: m[3]?.trim() || null };
  },
  run: async (ctx: SupervisionCommandContext, { lang, unit }) => {
    if (!(await mayUseOfficeViews(ctx))) return text(refusal({ zh: '汇总', en: 'summary' }, ctx.officeUnit, lang));
    let unitName: string | undefined;
    if (unit) {
      const r = await resolveUnit(ctx, unit, lang, lang === 'zh' ? '汇总' : 'summary');
      if ('error' in r) return text(r.error);
      unitName = r.name;
    }
    const deps = supervisionDeps(ctx);
    const data = await loadSupervisionData(deps, ctx.now);
    const digest = buildDigest({
      statuses: data.statuses,
      tasks: data.tasks,
      sent: data.sent,
      progress: data.progress,
      now: ctx.now,
      tz: ctx.tz,
      unit: unitName,
      officeUnit: ctx.officeUnit,
    });
    if (unitName && digest.perUnit.length === 0) {
      return text(lang === 'zh' ? `${unitName} 没有承担方案中的任务。` : `${unitName} has no tasks in the plan.`);
    }
    const title = unitName ? `汇总 · ${unitName}` : `${ctx.officeUnit} · 汇总 ${isoWeekOf(dayOf(ctx.now, ctx.tz))}`;
    const boardUrl = ctx.boardUrl && (unitName ? `${ctx.boardUrl}/board/unit/${encodeURIComponent(unitName)}` : `${ctx.boardUrl}/board`);
    return card(digestCard(digest, { title, boardUrl }));
  },
};

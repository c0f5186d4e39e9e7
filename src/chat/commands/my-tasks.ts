// 我的任务 / my tasks [page]: the tasks of the units this chat (or this person) speaks for.
import { copy } from '../copy.ts';
import { taskListCard } from '../cards/task-list-card.ts';
import { card, text, type Command, type Lang } from './types.ts';
import { langOfKeyword, toTaskLine } from './lines.ts';
import { loadWorld, speakerUnits, tasksOfUnits } from './scope.ts';

export const myTasksCommand: Command<{ lang: Lang; page: number }> = {
  name: 'my-tasks',
  match: (t) => {
    const m = /^(我的任务|本单位任务|my\s*tasks?)(?:\s*(?:第|page)?\s*(\d{1,4})\s*页?)?$/i.exec(t);
    return m ? { lang: langOfKeyword(m[1]), page: m[2] ? Number(m[2]) : 1 } : null;
  },
  run: async (ctx, { lang, page }) => {
    const c = copy(lang);
    const units = await speakerUnits(ctx, ctx.msg);
    if (units.length === 0) return text(ctx.msg.chatType === 'group' ? c.noUnitGroup : c.noUnitP2p);
    const world = await loadWorld(ctx);
    const lines = tasksOfUnits(world, units).map((v) => toTaskLine(v, ctx.tz));
    const { card: built, pages } = taskListCard(lines, { units: units.map((u) => u.name), lang, page });
    if (page > pages) return text(c.noSuchPage(page, pages));
    return card(built);
  },
};

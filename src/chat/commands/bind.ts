// 绑定 区司法局 / bind 区司法局 (admins, in the unit's group): this group speaks for that unit. Audited.
import { createUnitRepo, matchUnit } from '../../store/unit-repo.ts';
import { copy } from '../copy.ts';
import { text, type Command, type Lang } from './types.ts';
import { isAdmin } from './scope.ts';

export const bindCommand: Command<{ lang: Lang; query: string }> = {
  name: 'bind',
  match: (t) => {
    const m = /^(?:(绑定)\s*|(bind)(?:\s+|$))(.*)$/i.exec(t);
    return m ? { lang: m[2] ? 'en' : 'zh', query: m[3].trim() } : null;
  },
  run: async (ctx, { lang, query }) => {
    const c = copy(lang);
    if (!isAdmin(ctx, ctx.msg.senderOpenId)) return text(c.bindAdminOnly);
    if (ctx.msg.chatType !== 'group') return text(c.bindInGroup);
    if (!query) return text(c.bindUsage);
    const repo = createUnitRepo(ctx.db);
    // The office leads the supervision but may be named by no task: create it on first bind.
    if (query === ctx.officeUnit) await repo.ensure(query);
    const m = matchUnit(await repo.list(), query);
    if (m.kind === 'none') return text(c.unknownUnit(query));
    if (m.kind === 'ambiguous') return text(c.ambiguousUnit(query, m.candidates, lang === 'en' ? 'bind' : '绑定'));
    const { previous } = await repo.bind(m.unit.name, ctx.msg.chatId, { actor: ctx.msg.senderOpenId, source: 'chat' });
    const all = (await repo.byChat(ctx.msg.chatId)).map((u) => u.name);
    return text(c.bound(m.unit.name, previous !== null && previous !== ctx.msg.chatId, all));
  },
};

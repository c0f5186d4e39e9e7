// 登记 区司法局 / register 区司法局: the sender becomes a liaison of that unit, so "my tasks" and
// progress work in a direct chat. Open to anyone (liaisons are the people who report); every
// registration is audited with the sender's open_id, and reports carry the reporter too.
import { createUnitRepo, matchUnit } from '../../store/unit-repo.ts';
import { copy } from '../copy.ts';
import { text, type Command, type Lang } from './types.ts';

export const registerCommand: Command<{ lang: Lang; query: string }> = {
  name: 'register',
  match: (t) => {
    const m = /^(?:(登记)\s*|(register)(?:\s+|$))(.*)$/i.exec(t);
    return m ? { lang: m[2] ? 'en' : 'zh', query: m[3].trim() } : null;
  },
  run: async (ctx, { lang, query }) => {
    const c = copy(lang);
    if (!query) return text(c.registerUsage);
    const repo = createUnitRepo(ctx.db);
    const m = matchUnit(await repo.list(), query);
    if (m.kind === 'none') return text(c.unknownUnit(query));
    if (m.kind === 'ambiguous') return text(c.ambiguousUnit(query, m.candidates, lang === 'en' ? 'register' : '登记'));
    const already = await repo.unitsOfLiaison(ctx.msg.senderOpenId);
    if (already.some((u) => u.name === m.unit.name)) return text(c.alreadyRegistered(m.unit.name));
    await repo.addLiaison(ctx.msg.senderOpenId, m.unit.name, { actor: ctx.msg.senderOpenId, source: 'chat' });
    return text(c.registered(m.unit.name));
  },
};

// units list | bind
import type { CliContext } from '../context.ts';
import { boolFlag, readFlags, type ParsedArgs } from '../args.ts';
import { AppError } from '../../errors.ts';
import { createUnitRepo, matchUnit } from '../../store/unit-repo.ts';

export async function unitsCommand(ctx: CliContext, args: ParsedArgs): Promise<number> {
  const [, sub, ...rest] = args.positionals;
  const db = await ctx.db();
  const units = createUnitRepo(db);
  switch (sub) {
    case 'list': {
      const f = readFlags('units list', args.flags, { json: boolFlag });
      const list = await units.list();
      if (f.json) ctx.io.out(JSON.stringify(list, null, 2));
      else
        for (const u of list) {
          const extra = [u.aliases.length ? `aliases: ${u.aliases.join('、')}` : '', u.collective ? `collective${u.members.length ? `: ${u.members.join('、')}` : ''}` : '']
            .filter(Boolean)
            .join('; ');
          ctx.io.out(`${u.name}\t${u.chatId ?? 'unbound'}${extra ? `\t${extra}` : ''}`);
        }
      return 0;
    }
    case 'bind': {
      readFlags('units bind', args.flags, {});
      const [name, chatId] = rest;
      if (!name || !chatId) throw new AppError('usage', 'units bind: expected UNIT CHAT_ID, e.g. units bind 区司法局 oc_0123456789abcdef');
      if (!/^oc_[0-9A-Za-z]+$/.test(chatId) && !chatId.startsWith('local:')) {
        throw new AppError('usage', `units bind: "${chatId}" is not a group chat id (expected oc_… as shown in Lark's chat settings)`);
      }
      // The office may be bound before any plan names it (any of its names, as DUBAN_OFFICE_UNIT allows).
      await ctx.officeUnit();
      const list = await units.list();
      const m = matchUnit(list, name);
      if (m.kind === 'none') throw new AppError('unknown-unit', `units bind: no unit matches "${name}" (see: units list)`);
      if (m.kind === 'ambiguous') throw new AppError('ambiguous-unit', `units bind: "${name}" matches ${m.candidates.join('、')}: say which`);
      const { previous } = await units.bind(m.unit.name, chatId, { actor: 'cli', source: 'cli' });
      ctx.io.out(`${m.unit.name} → ${chatId}${previous && previous !== chatId ? ` (was ${previous})` : ''}`);
      return 0;
    }
    default:
      throw new AppError('usage', `units: expected list or bind${sub ? `, got "${sub}"` : ''}`);
  }
}

import { copy } from '../copy.ts';
import { text, type Command, type Lang } from './types.ts';
import { langOfKeyword } from './lines.ts';

export const helpCommand: Command<{ lang: Lang }> = {
  name: 'help',
  match: (t) => {
    const m = /^(帮助|说明|菜单|命令|help|commands|menu|\?|？)$/i.exec(t);
    return m ? { lang: langOfKeyword(m[1]) } : null;
  },
  run: async (_ctx, { lang }) => text(copy(lang).help),
};

// "my tasks" in a direct chat: which bound groups is the asker a member of? Cached briefly, because
// asking Lark for every bound group's members on each question would be slow and rate-limited.
import type { LarkGateway } from './gateway.ts';
import type { UnitRecord } from '../registry/types.ts';

const MEMBERS_TTL_MS = 10 * 60_000;

export function createGroupsOf(gateway: LarkGateway, units: () => Promise<UnitRecord[]>, now: () => number = Date.now) {
  const cache = new Map<string, { at: number; members: Set<string> }>();
  return async (openId: string): Promise<string[]> => {
    const chats = [...new Set((await units()).map((u) => u.chatId).filter((c): c is string => !!c && c.startsWith('oc_')))];
    const out: string[] = [];
    for (const chatId of chats) {
      let entry = cache.get(chatId);
      if (!entry || now() - entry.at > MEMBERS_TTL_MS) {
        try {
          entry = { at: now(), members: new Set(await gateway.listChatMembers(chatId)) };
          cache.set(chatId, entry);
        } catch {
          continue; // a chat we cannot read (bot removed) simply does not count
        }
      }
      if (entry.members.has(openId)) out.push(chatId);
    }
    return out;
  };
}

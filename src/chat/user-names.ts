// Who reported: display names from Lark's contact API, cached (a day when known, an hour when Lark
// would not say, e.g. the app lacks the contact scope), so a report never waits on it twice.
import type { LarkGateway } from './gateway.ts';

const KNOWN_TTL_MS = 24 * 3600_000;
const UNKNOWN_TTL_MS = 3600_000;

export function createUserNames(gateway: LarkGateway, now: () => number = Date.now) {
  const cache = new Map<string, { name: string | null; until: number }>();
  return async (openId: string): Promise<string | null> => {
    const hit = cache.get(openId);
    if (hit && hit.until > now()) return hit.name;
    let name: string | null = null;
    try {
      name = (await gateway.getUserName?.(openId)) ?? null;
    } catch {
      name = null;
    }
    cache.set(openId, { name, until: now() + (name ? KNOWN_TTL_MS : UNKNOWN_TTL_MS) });
    return name;
  };
}

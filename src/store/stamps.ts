// When a cache was last checked against the database. Every chat message checks several caches
// (registry, units, reports, extension requests); each check is a statement, and on PostgreSQL a
// network round trip. A check is good for STAMP_TTL_MS: a change made in this process is seen at once
// (its writer calls forgetStamp), one made by another process (the CLI, another replica) within STAMP_TTL_MS.
export const STAMP_TTL_MS = 250;

const generations = new Map<string, number>();

export interface StampCheck {
  at: number;
  generation: number;
}

/** Taken just before reading what the check covers: a change that lands during the read makes it stale. */
export function checkStamp(key: string): StampCheck {
  return { at: Date.now(), generation: generations.get(key) ?? 0 };
}

/** The check is recent and nothing in this process changed `key` since. */
export function stampStillGood(key: string, check: StampCheck | undefined): boolean {
  return check !== undefined && check.generation === (generations.get(key) ?? 0) && Date.now() - check.at < STAMP_TTL_MS;
}

/** This process changed what `key` covers: the next check reads the database. */
export function forgetStamp(key: string): void {
  generations.set(key, (generations.get(key) ?? 0) + 1);
}

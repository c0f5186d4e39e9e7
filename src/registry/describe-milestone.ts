// Milestones in the words a user reads (CLI, chat cards, the ledger).
import type { MilestoneDraft } from './types.ts';

export function describeMilestone(m: MilestoneDraft): string {
  switch (m.kind) {
    case 'once':
      return `${m.due} 前`;
    case 'annual':
      return `每年${m.month}月${m.day}日前`;
    case 'continuous':
      return '持续推进';
  }
}

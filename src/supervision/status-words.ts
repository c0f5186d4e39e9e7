// How the office reads a status light: one word and one emoji per light, in both languages.
// The five lights are the (status.ts); the unit-facing chat cards use their own vocabulary.
import type { StatusLight } from '../schedule/status.ts';

export const STATUS_WORD: Record<StatusLight, string> = {
  done: '已完成',
  'on-track': '正常推进',
  blue: '临近截止',
  yellow: '滞后',
  red: '逾期',
};

export const STATUS_WORD_EN: Record<StatusLight, string> = {
  done: 'done',
  'on-track': 'on track',
  blue: 'due soon',
  yellow: 'behind',
  red: 'overdue',
};

export const STATUS_EMOJI: Record<StatusLight, string> = {
  done: '✅',
  'on-track': '🟢',
  blue: '🔵',
  yellow: '🟡',
  red: '🔴',
};

/** Bar colours in the digest chart and cell fills in the workbook (same hue as the emoji). */
export const STATUS_COLOR: Record<StatusLight, string> = {
  done: '#8F959E',
  'on-track': '#34C724',
  blue: '#3370FF',
  yellow: '#FFC60A',
  red: '#F54A45',
};

export const ROLE_WORD = { lead: '牵头', other: '配合' } as const;

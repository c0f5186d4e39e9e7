// 进度 68 [单位] 60% 已完成初稿 / progress 68 [unit] 60% draft done — and the same words in a reply to a
// reminder. Progress is history: every report is a new row with who, unit, when, words, via, chat, message.
import type { ProgressVia, TaskRecord, UnitRecord } from '../../registry/types.ts';
import { createRegistryRepo } from '../../store/registry-repo.ts';
import { createProgressRepo } from '../../store/progress-repo.ts';
import { foldUnitName, matchUnit } from '../../store/unit-repo.ts';
import { copy, type Copy } from '../copy.ts';
import { text, type Command, type CommandContext, type Lang, type QuotedReminder, type Reply } from './types.ts';
import { parseProgressWords, startsWithStatus, type ProgressWords } from './progress-words.ts';
import { isAdmin, loadWorld, roleOf, speakerUnits, viewOf } from './scope.ts';
import { unknownTask } from './task.ts';
import { evidenceFor, hasEvidence } from './evidence.ts';

export interface ReportRequest {
  taskNumber: number;
  words: string;
  via: ProgressVia;
  lang: Lang;
  /** A unit named in the command (`进度 68 区司法局 60% …`). */
  unitQuery?: string;
  /** The reminder replied to: fixes unit and occurrence. */
  quoted?: QuotedReminder;
}

export function wordsError(c: Copy, n: number, p: Exclude<ProgressWords, { ok: true }>): string {
  switch (p.reason) {
    case 'empty':
      return c.progressEmpty(n);
    case 'percent-range':
      return c.percentRange(p.raw);
    case 'done-with-percent':
      return c.doneWithPercent(p.percent);
  }
}

/** A leading token that names a unit exactly (name, alias, or name without the leading 区). */
function exactUnit(units: UnitRecord[], token: string): UnitRecord | undefined {
  const q = foldUnitName(token);
  if (!q || startsWithStatus(token) || /^\d/.test(q)) return undefined;
  return units.find((u) => foldUnitName(u.name) === q || foldUnitName(u.name) === `区${q}` || u.aliases.some((a) => foldUnitName(a) === q));
}

function notAssigned(c: Copy, task: TaskRecord, mine: string[]): string {
  const lead = task.units.filter((u) => u.role === 'lead').map((u) => u.name);
  const other = task.units.filter((u) => u.role === 'other').map((u) => u.name);
  return c.notAssigned(task.number, mine, lead, other);
}

export async function reportProgress(ctx: CommandContext, req: ReportRequest): Promise<Reply> {
  const c = copy(req.lang);
  const msg = ctx.msg;
  const task = await createRegistryRepo(ctx.db).getTask(req.taskNumber);
  if (!task) return unknownTask(ctx, req.taskNumber, req.lang);
  if (task.retired) return text(c.retiredTask(task.number));

  const world = await loadWorld(ctx);
  let words = req.words.trim();
  let named: UnitRecord | undefined;
  if (req.quoted) {
    named = world.units.find((u) => u.name === req.quoted!.unitName);
    if (!named) return text(c.unknownUnit(req.quoted.unitName));
  } else if (req.unitQuery) {
    const m = matchUnit(world.units, req.unitQuery);
    if (m.kind === 'none') return text(c.unknownUnit(req.unitQuery));
    if (m.kind === 'ambiguous') return text(c.ambiguousUnit(req.unitQuery, m.candidates, `${req.lang === 'en' ? 'progress' : '进度'} ${task.number}`));
    named = m.unit;
  } else {
    const [first, ...rest] = words.split(/\s+/);
    const u = first ? exactUnit(world.units, first) : undefined;
    if (u) {
      named = u;
      words = rest.join(' ');
    }
  }

  const parsed = parseProgressWords(words);
  // `进度 68` with only a file attached: evidence, no report.
  const evidenceOnly = !parsed.ok && parsed.reason === 'empty' && hasEvidence(ctx, words);
  if (!parsed.ok && !evidenceOnly) return text(wordsError(c, task.number, parsed));

  const mine = await speakerUnits(ctx, msg);
  let unit: UnitRecord;
  if (named) {
    // Admins may report on behalf of any unit; everyone else only for the units their chat speaks for.
    if (!mine.some((u) => u.name === named!.name) && !isAdmin(ctx, msg.senderOpenId)) return text(c.notYourUnit(named.name));
    if (!roleOf(task, named, world.units)) return text(notAssigned(c, task, [named.name]));
    unit = named;
  } else {
    if (mine.length === 0) return text(msg.chatType === 'group' ? c.noUnitGroup : c.noUnitP2p);
    const onTask = mine.filter((u) => roleOf(task, u, world.units));
    if (onTask.length === 0) return text(notAssigned(c, task, mine.map((u) => u.name)));
    if (onTask.length > 1) return text(c.whichUnit(task.number, onTask.map((u) => u.name)));
    unit = onTask[0];
  }

  // Which deadline this answers: the reminder's, else the unit's earliest open one (overdue first).
  let milestoneKey = req.quoted?.milestoneKey ?? null;
  let occurrence = req.quoted?.occurrence ?? null;
  if (!req.quoted || !milestoneKey) {
    const open = viewOf(world, task, unit.name)?.open[0];
    if (open) {
      milestoneKey = open.milestone.key;
      occurrence = open.due;
    }
  }
  if (!parsed.ok) return text((await evidenceFor(ctx, req.lang, task.number, unit.name, words)).join('\n'));
  await createProgressRepo(ctx.db).record({
    taskNumber: task.number,
    unitName: unit.name,
    status: parsed.status,
    percent: parsed.percent,
    text: parsed.text,
    reporterId: msg.senderOpenId,
    reporterName: msg.senderName ?? null,
    chatId: msg.chatId,
    via: req.via,
    messageId: msg.messageId,
    // A message processed again (after a crash) records its report once.
    dedupeKey: `msg:${msg.messageId}`,
    milestoneKey,
    occurrence,
    at: ctx.now,
  });
  // The report stands first; the message's files and links back it (a failed download throws, and the
  // retry records the report once, by its dedupe key, and fetches what is missing).
  const evidence = await evidenceFor(ctx, req.lang, task.number, unit.name, parsed.text);
  return text([c.recorded(task.number, unit.name, parsed.status, parsed.percent, parsed.text, occurrence), ...evidence].join('\n'));
}

export const progressCommand: Command<{ lang: Lang; number: number | null; words: string }> = {
  name: 'progress',
  match: (t) => {
    const m = /^(?:(进度|进展|汇报|报进度)|(progress|report))(?=$|[\s#\d:,：，])[\s:,：，]*(.*)$/i.exec(t);
    if (!m) return null;
    const lang = m[2] ? 'en' : 'zh';
    const n = /^(?:#|第)?(\d{1,9})(?:号|项)?(?=$|[\s:,：，])[\s:,：，]*(.*)$/.exec(m[3]);
    return n ? { lang, number: Number(n[1]), words: n[2] } : { lang, number: null, words: m[3] };
  },
  run: async (ctx, { lang, number, words }) => {
    const quoted = ctx.msg.quotedReminder;
    if (number === null) {
      // "进度 60% 已完成初稿" in reply to a reminder: the reminder says which task.
      if (quoted) return reportProgress(ctx, { taskNumber: quoted.taskNumber, words, via: 'reply', lang, quoted });
      return text(copy(lang).progressUsage);
    }
    const sameAsQuoted = quoted && quoted.taskNumber === number ? quoted : undefined;
    return reportProgress(ctx, { taskNumber: number, words, via: sameAsQuoted ? 'reply' : 'command', lang, quoted: sameAsQuoted });
  },
};

// The schedule grammar of Chinese work plans ("进度安排:持续推进,到2024年取得重大进展").
// Hand-written on purpose: chrono-node and MS Recognizers misread most of these phrases (see
// /work/shared/notes/dates-and-documents.md). The vocabulary is small and formulaic, so each rule is
// explicit, and every guess at damaged text is returned as a `repair` or a problem, never silently.
import { normalizeWidth } from './normalize-text.ts';
import { splitTopLevel } from './split-top-level.ts';
import type { MilestoneDraft } from './types.ts';

export interface ScheduleProblem {
  message: string;
  /** The words the problem is about, as written. */
  source: string;
}

export interface ScheduleOptions {
  /** YYYY-MM-DD the plan was issued; needed for 今年/明年/次年 and "印发之日起30日内". Without it those phrases are problems. */
  issueDate?: string;
  /** The plan's year when only the year is known (国发〔2020〕6号): enough for 年内, 6月底前. */
  issueYear?: number;
  /** Where the date or year came from, quoted in repairs ("国发〔2020〕6号"). */
  issueSource?: string;
  /** Outside the tasks: only anchors with an explicit deadline word (前/底/末/内) count, full dates too. */
  strict?: boolean;
}

export interface ParsedSchedule {
  milestones: MilestoneDraft[];
  problems: ScheduleProblem[];
  /** Clauses like "每年形成工作报告": recurring, but the date is given elsewhere (usually the task text). */
  undatedRecurrences: string[];
}

const FIELD_LABEL = /^(?:进度安排|完成时限|时间节点|完成时间|时限要求|时间安排|完成期限|时间要求)\s*:\s*/;

/** Reads a schedule line. Undated clauses after a dated one extend its label ("2022年底前,…,全面实现…"). */
export function parseSchedule(phrase: string, opts: ScheduleOptions = {}): ParsedSchedule {
  return readPhrase(phrase, 'schedule', opts);
}

/**
 * Dated deadlines inside a task's running text ("各级各部门于每年12月底前将…报送"). Stricter than the
 * schedule grammar: only anchors with a deadline word (前/底/内) or a 每年 date count, because task text
 * also mentions years that are not deadlines ("《纲要(2021-2025年)》"). Undated words are ignored.
 */
export function findDeadlinesInText(text: string, opts: ScheduleOptions = {}): ParsedSchedule {
  return readPhrase(text, 'text', opts);
}

type Mode = 'schedule' | 'text';

/** A milestone before its words are attached. */
type DateOnly = { kind: 'once'; due: string } | { kind: 'annual'; month: number; day: number };

interface Anchor {
  milestones: DateOnly[];
  /** Character span of the anchor in the normalised clause, for cutting out the label. */
  start: number;
  end: number;
  /** Has 前/底/内/末 or is an annual date: strong enough to count inside running text. */
  deadlineWord: boolean;
  /** Sets or keeps the clause's yearly recurrence ("每年…", then "并于4月1日前…"). */
  recurring: boolean;
  ambiguity?: string;
  /** Followed by 前/以前/之前, or 底/末/内: says "by then" in so many words. */
  strongWord?: boolean;
  /** A start or the end of a validity period ("起", "至", "有效期至"), not something to deliver. */
  nonDeadline?: boolean;
}

interface Open {
  milestone?: MilestoneDraft;
  recurrenceIndex?: number;
}

function readPhrase(phrase: string, mode: Mode, opts: ScheduleOptions): ParsedSchedule {
  const out: ParsedSchedule = { milestones: [], problems: [], undatedRecurrences: [] };
  const body = normalizeWidth(phrase).trim().replace(FIELD_LABEL, '');
  if (!body) {
    if (mode === 'schedule') out.problems.push({ message: 'empty schedule', source: phrase });
    return out;
  }
  // Running text without any date word has no deadline: most task paragraphs end here.
  if (mode === 'text' && !DATE_WORD.test(body)) return out;
  const leading: string[] = [];
  for (const sentence of splitTopLevel(body, /[。!?]/)) {
    let recurring = false;
    let open: Open = {};
    for (const clause of splitTopLevel(sentence, /[,;]/)) {
      const read = readClause(clause, mode, recurring, opts);
      out.problems.push(...read.problems);
      if (read.anchor) {
        const a = read.anchor;
        recurring = a.recurring;
        if (mode === 'text' && !a.deadlineWord) continue;
        if (a.nonDeadline) continue; // "2019年1月1日起", "有效期至2025年12月31日": a period, not a deadline
        if (opts.strict && !a.strongWord) continue;
        if (a.ambiguity) out.problems.push({ message: a.ambiguity, source: clause });
        const label = labelAround(read.text, a.start, a.end);
        for (const m of a.milestones) {
          const repair = read.repairs.length ? read.repairs.join('; ') : undefined;
          const source = mode === 'schedule' && leading.length && out.milestones.length === 0 ? [...leading, clause].join(',') : clause;
          const full = { ...m, label: label || clause, source, ...(repair ? { repair } : {}) } as MilestoneDraft;
          if (!label) bareDate.add(full);
          out.milestones.push(full);
          open = { milestone: full };
        }
        continue;
      }
      if (mode === 'text') {
        if (read.recurringWord) recurring = true;
        if (open.milestone) extend(open.milestone, clause);
        continue;
      }
      if (read.continuous) {
        const m: MilestoneDraft = { kind: 'continuous', label: clause, source: clause };
        out.milestones.push(m);
        open = { milestone: m };
      } else if (read.recurringWord && open.recurrenceIndex !== undefined && !/每/.test(clause)) {
        out.undatedRecurrences[open.recurrenceIndex] += `,${clause}`; // "…,并按时向社会公开"
      } else if (read.recurringWord) {
        recurring = true;
        out.undatedRecurrences.push(clause);
        open = { recurrenceIndex: out.undatedRecurrences.length - 1 };
      } else if (read.dateResidue) {
        out.problems.push({ message: `date not understood: "${clause}"`, source: clause });
        open = {};
      } else if (open.milestone) {
        extend(open.milestone, clause);
      } else if (open.recurrenceIndex !== undefined) {
        out.undatedRecurrences[open.recurrenceIndex] += `,${clause}`;
      } else {
        leading.push(clause);
      }
    }
  }
  if (mode === 'schedule' && out.milestones.length === 0 && out.undatedRecurrences.length === 0 && out.problems.length === 0) {
    out.problems.push({ message: `schedule not understood (no date and no 持续推进-like wording): "${body}"`, source: body });
  }
  out.milestones = mergeSameKey(out.milestones);
  return out;
}

// Milestones whose clause was only a date ("2022年底前,"): the next clause is their label.
const bareDate = new WeakSet<MilestoneDraft>();

function extend(m: MilestoneDraft, clause: string): void {
  m.label = bareDate.has(m) ? clause : `${m.label},${clause}`;
  bareDate.delete(m);
  m.source = `${m.source},${clause}`;
}

/** One milestone per date (the store keys milestones by date); clauses on the same date are joined. */
function mergeSameKey(ms: MilestoneDraft[]): MilestoneDraft[] {
  const byKey = new Map<string, MilestoneDraft>();
  for (const m of ms) {
    const key = keyOf(m);
    const prev = byKey.get(key);
    if (!prev) {
      byKey.set(key, { ...m });
      continue;
    }
    prev.label = `${prev.label};${m.label}`;
    prev.source = `${prev.source};${m.source}`;
    if (m.repair) prev.repair = prev.repair ? `${prev.repair}; ${m.repair}` : m.repair;
  }
  return [...byKey.values()];
}

function keyOf(m: MilestoneDraft): string {
  if (m.kind === 'once') return `once:${m.due}`;
  if (m.kind === 'annual') return `annual:${m.month}-${m.day}`;
  return 'continuous';
}

interface ClauseRead {
  /** The clause after numeral folding and repairs; anchor spans index into it. */
  text: string;
  anchor?: Anchor;
  repairs: string[];
  problems: ScheduleProblem[];
  continuous: boolean;
  recurringWord: boolean;
  dateResidue: boolean;
}

const CONTINUOUS = [
  // "持续推进", "长期坚持", "持续深化…改革": ongoing work; not the adjectives "长期稳定的供销关系", "长期有效".
  /^(?:持续|长期|常态化|不断|定期)(?!稳定|有效|性|的|存在|以来)/,
  /按(?:照)?.{0,30}?(?:部署|要求|规定)(?:实施|推进|执行|落实|开展|要求)?/,
  /^根据.{0,30}?(?:部署|要求)/,
  /^按要求/,
  /^适时/,
];

const RECURRING_WORD = /每年|每季度|每半年|每月|年度|按时|定期/;
const DATE_RESIDUE = /\d{4}|\d+\s*(?:年|月|日|号|季度)|\d+前|[今明次本当]年|上半年|下半年|年底|年末|年内|季度|月底|月末|旬/;

/** Words without which a clause of running text holds no date (numerals alone do not). */
const DATE_WORD = /[年月季旬每]|[日天周]内|按时|定期/;

function readClause(raw: string, mode: Mode, recurring: boolean, opts: ScheduleOptions): ClauseRead {
  if (mode === 'text' && !recurring && !DATE_WORD.test(raw)) return { text: raw, repairs: [], problems: [], continuous: false, recurringWord: false, dateResidue: false };
  const repairs: string[] = [];
  const problems: ScheduleProblem[] = [];
  let text = foldNumerals(raw).replace(/年年底/g, '年底').replace(/年年末/g, '年末');
  const digits = /\d/.test(text);

  // Repair: "2021底前" lost its 年 in the scrape; a 4-digit year right before 底 can only be a year.
  if (digits) text = text.replace(/(?<!\d)(20\d{2})(底|末)/g, (_m, y: string, w: string) => {
    repairs.push(`"${y}${w}" has no 年: read as ${y}年${w} (rule: a 4-digit year before 底/末 is a year)`);
    return `${y}年${w}`;
  });
  // Repair: a schedule clause that opens with a bare year ("2025各职能部门…实现应建则建") lost its 年.
  if (digits && mode === 'schedule') {
    text = text.replace(/^((?:到|至|在|于)?)(20\d{2})(?=[^\d年\-—–~至到.])/, (_m, p: string, y: string) => {
      repairs.push(`"${y}" opens the clause without 年: read as ${y}年 (rule: a clause-leading 4-digit year is a year)`);
      return `${p}${y}年`;
    });
  }
  // Repair: "每年31日前" lost its 月; digits that split into exactly one valid month+day are read so.
  if (digits) text = text.replace(/每年(\d{2,4})日/g, (m, digits: string) => {
    const md = splitMonthDay(digits);
    if (!md) {
      problems.push({ message: `"${m}" has no 月 and ${digits} does not split into one valid month and day`, source: raw });
      return m;
    }
    repairs.push(`"${m}" has no 月: read as 每年${md.month}月${md.day}日 (rule: digits split into the only valid month+day; low confidence)`);
    return `每年${md.month}月${md.day}日`;
  });
  // Repair: in a yearly sentence, "并于41前" lost 月 and 日; same split rule (task 68 of the Jin'an plan).
  if (digits && (recurring || /每年/.test(text))) {
    text = text.replace(/(?<![\d.年月日])(\d{2,4})(?=前)/g, (m, digits: string) => {
      const md = splitMonthDay(digits);
      if (!md) {
        problems.push({ message: `"${m}前" has no 月/日 and ${digits} does not split into one valid month and day`, source: raw });
        return m;
      }
      repairs.push(`"${m}前" has no 月 and 日: read as ${md.month}月${md.day}日前 (rule: in a 每年 sentence, digits before 前 split into the only valid month+day; low confidence)`);
      return `${md.month}月${md.day}日`;
    });
  }
  // Relative years need the issue date.
  const issueYear = opts.issueDate ? Number(opts.issueDate.slice(0, 4)) : opts.issueYear;
  const from = opts.issueSource ? ` (${opts.issueSource})` : '';
  const rel = /(今年|本年|当年|明年|次年)(?!度)/.exec(text);
  if (rel) {
    if (issueYear) {
      text = text.replace(/(?:今年|本年|当年)(?!度)/g, `${issueYear}年`).replace(/(?:明年|次年)(?!度)/g, `${issueYear + 1}年`);
    } else if (mode === 'schedule' || /前|底|末|内/.test(text)) {
      // In running text "今年" alone is no deadline ("确保今年…目标任务全面如期完成"); with 前/底 it is one.
      problems.push({ message: `"${rel[1]}" is relative to the plan's issue date, which is not known`, source: raw });
    }
  }
  // "年内持续推进", "年底前完成", "6月底前": the plan's own year, which the document gives or not.
  const yearless = !/月|年[内底末]/.test(text) ? null : /(?<![\d年每度一二三四五六七八九十两个半学])(?:年内|年底前?|年末)|(?<![\d年月每.])(\d{1,2})月(?:(\d{1,2})[日号]|底|末|上旬|中旬|下旬)?(?:前|以前|之前|底前|内|完成)/.exec(text);
  if (yearless && !recurring && !/每年|每季度|每月/.test(text) && (mode === 'schedule' || /前|底|末|内/.test(yearless[0]))) {
    if (issueYear) {
      repairs.push(`"${yearless[0]}" gives no year: read as ${issueYear}, the plan's year${from}`);
      text = text.replace(yearless[0], /^\d/.test(yearless[0]) ? `${issueYear}年${yearless[0]}` : `${issueYear}${yearless[0].startsWith('年') ? '' : '年'}${yearless[0]}`);
    } else if (mode === 'schedule' || opts.strict) {
      problems.push({ message: `"${yearless[0]}" gives no year and the plan's year is not known (no date or document number in the text): not a milestone`, source: raw });
      text = text.replace(yearless[0], '');
    }
  }
  // "本意见印发之日起30日内", "自本方案印发后3个月内": counted from the issue date.
  const after = !/印发|下发|发布|公布|实施/.test(text) ? null : /(?:自|从)?(?:本(?:意见|方案|通知|计划|办法|要点|规划|文件|实施方案|工作方案))?(?:印发|下发|发布|公布|实施)(?:之日)?(?:起|后)(\d{1,3}|[一二三四五六七八九十两]{1,3})(个)?(工作日|日|天|周|个月|月|年)(?:内|之内)/.exec(text);
  let relative: DateOnly | undefined;
  if (after) {
    const n = /^\d/.test(after[1]) ? Number(after[1]) : chineseCount(after[1]);
    const unit = after[3];
    if (unit === '工作日') problems.push({ message: `"${after[0]}" counts working days from the issue date: not computed (holidays decide it); set the date in data/plan-overrides.json`, source: raw });
    else if (!opts.issueDate || n === undefined) problems.push({ message: `"${after[0]}" is counted from the plan's issue date, which the text does not give: not a milestone`, source: raw });
    else {
      relative = { kind: 'once', due: addToDate(opts.issueDate, n, unit) };
      repairs.push(`"${after[0]}" counted from the issue date ${opts.issueDate}${from}`);
    }
  }

  const anchor = relative ? { milestones: [relative], start: after?.index ?? 0, end: (after?.index ?? 0) + (after?.[0].length ?? 0), deadlineWord: true, strongWord: true, recurring: false } : findAnchor(text, recurring);
  const res: ClauseRead = {
    text,
    repairs,
    problems,
    continuous: false,
    recurringWord: RECURRING_WORD.test(text),
    dateResidue: false,
  };
  if (anchor) {
    res.anchor = anchor;
    return res;
  }
  // A failed repair already reported the clause; don't report it twice.
  res.continuous = CONTINUOUS.some((re) => re.test(text));
  res.dateResidue = !res.continuous && problems.length === 0 && DATE_RESIDUE.test(text);
  if (problems.length) res.recurringWord = false;
  return res;
}

const PREFIX = '(?:截至|截止|到|至|在|于)?(?<!\\d)';
const SUFFIX = '(前|以前|之前)?';

/** The first date anchor of a clause, with whether it is a deadline at all and how plainly it says so. */
function findAnchor(text: string, recurring: boolean): Anchor | undefined {
  const a = findDateAnchor(text, recurring);
  if (!a) return undefined;
  const span = text.slice(a.start, a.end);
  const afterSpan = text.slice(a.end);
  const digitAt = a.start + Math.max(0, span.search(/\d/));
  const before = text.slice(Math.max(0, a.start - 8), digitAt);
  const strongWord = /(?:前|底|末|内)$/.test(span) || /^(?:前|以前|之前|内|之内)/.test(afterSpan) || (a.recurring && a.deadlineWord);
  const validity = /(?:有效期|期限|执行期|实施期|延长|延续|执行|实施|施行|试行|截至|截止到)(?:限)?(?:为)?(?:至|到)?$/.test(before) && !/前$/.test(span);
  const start = !/(?:前|底|末|内)$/.test(span) && /^(?:起|开始|以来|至|到|—|-|~|－)/.test(afterSpan);
  return { ...a, strongWord, ...(validity || start ? { nonDeadline: true } : {}) };
}

// Compiled once: the anchors, in the order they are tried (a clause is tested against each).
const RANGE = new RegExp(`${PREFIX}(\\d{4})\\s*[-—–~至到]\\s*(\\d{4})年${SUFFIX}`);
const FULL_DATE = new RegExp(`${PREFIX}(\\d{4})年(\\d{1,2})月(\\d{1,2})[日号]${SUFFIX}`);
const YEAR_MONTH = new RegExp(`${PREFIX}(\\d{4})年(\\d{1,2})月(上旬|中旬|下旬|底|末)?${SUFFIX}`);
const YEAR_QUARTER = new RegExp(`${PREFIX}(\\d{4})年第(\\d)季度(?:末|底)?${SUFFIX}`);
const YEAR_HALF = new RegExp(`${PREFIX}(\\d{4})年(上半年|下半年)(?:末|底)?${SUFFIX}`);
const YEAR = new RegExp(`${PREFIX}(\\d{4})年(年底|年末|底|末|内|全年)?${SUFFIX}`);
const ANNUAL_DAY = { on: new RegExp(`(?:每年)?(?<!\\d)(\\d{1,2})月(\\d{1,2})[日号]${SUFFIX}`), off: new RegExp(`每年(?<!\\d)(\\d{1,2})月(\\d{1,2})[日号]${SUFFIX}`) };
const ANNUAL_MONTH = { on: new RegExp(`(?:每年)?(?<!\\d)(\\d{1,2})月(上旬|中旬|下旬|底|末)?${SUFFIX}`), off: new RegExp(`每年(?<!\\d)(\\d{1,2})月(上旬|中旬|下旬|底|末)?${SUFFIX}`) };
const ANNUAL_QUARTER = new RegExp(`每年第(\\d)季度(?:末|底)?${SUFFIX}`);
const ANNUAL_END = new RegExp(`每年(?:年底|年末|底|末)${SUFFIX}`);
const QUARTERLY = new RegExp(`每季度(?:末|底|结束)?${SUFFIX}`);
const HALF_YEARLY = new RegExp(`每半年(?:末|底)?${SUFFIX}`);
const MONTHLY = new RegExp(`每月(?:(\\d{1,2})[日号]|底|末)${SUFFIX}`);

function findDateAnchor(text: string, recurring: boolean): Anchor | undefined {
  // Every anchor has a digit or 每; most clauses have neither.
  if (!/[\d每]/.test(text)) return undefined;
  let m: RegExpExecArray | null;
  const span = (mm: RegExpExecArray) => ({ start: mm.index, end: mm.index + mm[0].length });

  // YYYY—YYYY年: a range; the milestone is the end of its last year.
  if ((m = RANGE.exec(text))) {
    const y = Number(m[2]);
    if (!plausibleYear(y)) return undefined;
    return { milestones: [once(y, 12, 31)], ...span(m), deadlineWord: !!m[3], recurring: false };
  }
  if ((m = FULL_DATE.exec(text))) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (!plausibleYear(y) || !validDay(y, mo, d)) return undefined;
    return { milestones: [once(y, mo, d)], ...span(m), deadlineWord: true, recurring: false };
  }
  if ((m = YEAR_MONTH.exec(text))) {
    const [y, mo] = [Number(m[1]), Number(m[2])];
    if (!plausibleYear(y) || mo < 1 || mo > 12) return undefined;
    const d = dayInMonth(y, mo, m[3]);
    const ambiguity = !m[3] && m[4] ? `ambiguous: "${y}年${mo}月${m[4]}" may mean before ${mo}月 starts; read as the end of ${y}-${pad(mo)}` : undefined;
    return { milestones: [once(y, mo, d)], ...span(m), deadlineWord: true, recurring: false, ...(ambiguity ? { ambiguity } : {}) };
  }
  if ((m = YEAR_QUARTER.exec(text))) {
    const [y, q] = [Number(m[1]), Number(m[2])];
    if (!plausibleYear(y) || q < 1 || q > 4) return undefined;
    return { milestones: [once(y, q * 3, daysIn(y, q * 3))], ...span(m), deadlineWord: true, recurring: false };
  }
  if ((m = YEAR_HALF.exec(text))) {
    const y = Number(m[1]);
    if (!plausibleYear(y)) return undefined;
    const mo = m[2] === '上半年' ? 6 : 12;
    return { milestones: [once(y, mo, daysIn(y, mo))], ...span(m), deadlineWord: true, recurring: false };
  }
  if ((m = YEAR.exec(text))) {
    const y = Number(m[1]);
    if (!plausibleYear(y)) return undefined;
    const ambiguity =
      !m[2] && m[3]
        ? `ambiguous: "${y}年${m[3]}" may mean before ${y} starts (by ${y - 1}-12-31); read as by the end of ${y} (${y}-12-31), as usual in these plans`
        : undefined;
    return { milestones: [once(y, 12, 31)], ...span(m), deadlineWord: !!(m[2] || m[3]), recurring: false, ...(ambiguity ? { ambiguity } : {}) };
  }

  // Yearly recurrences. "每年" may sit in an earlier clause of the sentence ("每年3月1日前…，并于4月1日前…").
  if ((m = (recurring ? ANNUAL_DAY.on : ANNUAL_DAY.off).exec(text))) {
    const [mo, d] = [Number(m[1]), Number(m[2])];
    if (!validDay(2000, mo, d)) return undefined;
    return { milestones: [annual(mo, d)], ...span(m), deadlineWord: true, recurring: true };
  }
  if ((m = (recurring ? ANNUAL_MONTH.on : ANNUAL_MONTH.off).exec(text))) {
    const mo = Number(m[1]);
    if (mo < 1 || mo > 12) return undefined;
    return { milestones: [annual(mo, dayInMonth(2001, mo, m[2]))], ...span(m), deadlineWord: true, recurring: true };
  }
  if ((m = ANNUAL_QUARTER.exec(text))) {
    const q = Number(m[1]);
    if (q < 1 || q > 4) return undefined;
    return { milestones: [annual(q * 3, daysIn(2001, q * 3))], ...span(m), deadlineWord: true, recurring: true };
  }
  if ((m = ANNUAL_END.exec(text))) {
    return { milestones: [annual(12, 31)], ...span(m), deadlineWord: true, recurring: true };
  }
  // Shorter cycles become one yearly milestone per period end, the only recurrence the registry stores.
  if ((m = QUARTERLY.exec(text))) {
    return { milestones: [3, 6, 9, 12].map((mo) => annual(mo, daysIn(2001, mo))), ...span(m), deadlineWord: !!m[1], recurring: true };
  }
  if ((m = HALF_YEARLY.exec(text))) {
    return { milestones: [annual(6, 30), annual(12, 31)], ...span(m), deadlineWord: !!m[1], recurring: true };
  }
  if ((m = MONTHLY.exec(text))) {
    const day = m[1] ? Number(m[1]) : undefined;
    const months = Array.from({ length: 12 }, (_, i) => i + 1);
    return {
      milestones: months.map((mo) => annual(mo, day ? Math.min(day, daysIn(2001, mo)) : daysIn(2001, mo))),
      ...span(m),
      deadlineWord: !!m[2],
      recurring: true,
    };
  }
  return undefined;
}

function once(y: number, mo: number, d: number): DateOnly {
  return { kind: 'once', due: `${y}-${pad(mo)}-${pad(d)}` };
}

function annual(month: number, day: number): DateOnly {
  return { kind: 'annual', month, day };
}

/** Plans of this genre run 2000–2100; anything else is a misread number ("0233年"), not a date. */
function plausibleYear(y: number): boolean {
  return y >= 2000 && y <= 2100;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function daysIn(y: number, mo: number): number {
  return [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
}

function validDay(y: number, mo: number, d: number): boolean {
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(y, mo);
}

function dayInMonth(y: number, mo: number, part: string | undefined): number {
  if (part === '上旬') return 10;
  if (part === '中旬') return 20;
  return daysIn(y, mo);
}

/** "31" → 3/1, "1231" → 12/31; undefined unless exactly one split is a real date (a leap year allows 2/29). */
export function splitMonthDay(digits: string): { month: number; day: number } | undefined {
  const found: { month: number; day: number }[] = [];
  if (digits[0] === '0') return undefined;
  for (let k = 1; k < digits.length; k++) {
    const month = Number(digits.slice(0, k));
    const day = Number(digits.slice(k));
    if (validDay(2000, month, day)) found.push({ month, day });
  }
  return found.length === 1 ? found[0] : undefined;
}

/** The verb phrase of a clause: the words after the date, else the words before it. */
function labelAround(text: string, start: number, end: number): string {
  const trim = (s: string) => s.replace(/^[\s,;:、]+|[\s,;:、]+$/g, '').replace(/^并?(?:于|在)(?=\S)/, '');
  const after = trim(text.slice(end)).replace(/^(?:前|以前|之前)/, '');
  if (after) return after;
  return trim(text.slice(0, start)).replace(/(?:并|各)?(?:于|在)$/, '');
}

const DIGIT: Record<string, number> = { 〇: 0, 零: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 二〇二三年 → 2023年 (digit by digit), 十二月/三十一日 → 12月/31日, 第二季度 → 第2季度. */
function foldNumerals(text: string): string {
  if (!/[〇零一二三四五六七八九十]/.test(text)) return text;
  return text
    .replace(/[〇零一二三四五六七八九]{4}(?=年)/g, (s) => [...s].map((c) => DIGIT[c]).join(''))
    .replace(/(^|[\d年月每于在至到前和、,;\s])([一二三四五六七八九十]{1,3})(?=[月日号])/g, (_m, p: string, n: string) => {
      const v = numeralValue(n);
      return v === undefined ? `${p}${n}` : `${p}${v}`;
    })
    .replace(/第([一二三四])季度/g, (_m, n: string) => `第${DIGIT[n]}季度`);
}

function numeralValue(s: string): number | undefined {
  if (/^[一二三四五六七八九]$/.test(s)) return DIGIT[s];
  const m = /^([一二三四五六七八九])?十([一二三四五六七八九])?$/.exec(s);
  if (!m) return undefined;
  return (m[1] ? DIGIT[m[1]] : 1) * 10 + (m[2] ? DIGIT[m[2]] : 0);
}

const COUNT: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 三 → 3, 十五 → 15, 三十 → 30 (counts of days or months in "30日内", "三个月内"). */
function chineseCount(s: string): number | undefined {
  if (COUNT[s] !== undefined) return COUNT[s];
  const m = /^([一二两三四五六七八九])?十([一二三四五六七八九])?$/.exec(s);
  if (!m) return undefined;
  return (m[1] ? COUNT[m[1]] : 1) * 10 + (m[2] ? COUNT[m[2]] : 0);
}

/** YYYY-MM-DD plus n days, weeks, months or years (calendar arithmetic; the month end clamps: 01-31 + 1 month = 02-28). */
function addToDate(date: string, n: number, unit: string): string {
  const [y, mo, d] = date.split('-').map(Number);
  if (unit === '日' || unit === '天' || unit === '周') {
    const t = new Date(Date.UTC(y, mo - 1, d) + n * (unit === '周' ? 7 : 1) * 86_400_000);
    return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
  }
  const months = unit === '年' ? n * 12 : n;
  const total = y * 12 + (mo - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  return `${ny}-${pad(nm)}-${pad(Math.min(d, daysIn(ny, nm)))}`;
}

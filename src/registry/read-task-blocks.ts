// The layout of a plan: chapters (一、), sections ((一)), numbered items (1. 1、 (1), or (一)/一、 when those
// carry the owners) and the field lines under them (责任单位: 进度安排: …), or the owners written at the end of
// the item ("…。(国家发展改革委、财政部负责)", "(牵头单位:X;责任单位:Y)").
//
// Which numbering holds the tasks is decided per document, from the evidence: the numbering whose items are
// followed by field lines or end with an owner bracket. Coarser numbering is headings (or notice points);
// finer numbering inside an item is part of its text. Scraped plans lose characters in headings ("(十深化…",
// ")推进…", a bare "加快推进…建设"), so a heading is also recognised by its shape: a short unpunctuated line
// right before a numbered item.
import { normalizeWidth } from './normalize-text.ts';
import { FIRST_LEADS_RULE, isOwnerBracket } from './read-owners.ts';
import { expandTextTables, type SourceLine } from './read-text-table.ts';
import { splitTopLevel } from './split-top-level.ts';
import type { PlanWarning } from './types.ts';

/**
 * lead = 牵头单位, other = 配合单位, responsible = 责任单位 (split on 牵头), owners = words that say who does
 * it ("(A、B负责)", "部门分工:X牵头,Y配合"), schedule = 进度安排/完成时限.
 */
export type FieldKind = 'lead' | 'other' | 'responsible' | 'owners' | 'schedule';

export interface TaskField {
  kind: FieldKind;
  value: string;
  line: number;
  /** Written inside the item (a bracket at its end), so the next line is not a continuation of it. */
  inline?: boolean;
}

/** dot "1." comma "1、" paren "(1)"; cn-paren "(一)", cn-comma "一、". */
export type NumberingStyle = 'dot' | 'comma' | 'paren' | 'cn-paren' | 'cn-comma';

/** A numbered item and what follows it, before deciding whether it is a task. */
export interface ItemBlock {
  number: number;
  style: NumberingStyle;
  chapter: string;
  section: string;
  /** 1-based line of the number. */
  line: number;
  /** The item's words without its number and without inline fields. */
  text: string;
  fields: TaskField[];
  /** A title with its owners ("一、强化科技创新(区科技局牵头)") and the item's words under it. */
  headed?: boolean;
  /** Finer-numbered points were added after the item's owner bracket ("…。(X负责)" then "1.… 2.…"). */
  subpoints?: boolean;
}

/** A paragraph outside every item: preamble, notice points, closing remarks. */
export interface OutsideParagraph {
  line: number;
  text: string;
  /** The chapter/section it stands under ("(二)总体目标"), to tell goals from instructions. */
  heading: string;
}

export interface BlockReading {
  blocks: ItemBlock[];
  warnings: PlanWarning[];
  outside: OutsideParagraph[];
  /** Where the document states its lead rule once ("列第一位者为牵头单位,下同"). */
  firstLeadsRule?: { line: number; source: string };
  /** The numbering the tasks use (empty when no numbered item names an owner). */
  taskStyles: NumberingStyle[];
  /** The first three numbered lines that read like items, for the error of a document without tasks. */
  itemLines: { line: number; text: string }[];
}

const FIELD_LABELS: [RegExp, FieldKind][] = [
  [/^(?:牵头单位|牵头部门|主办单位|牵头责任单位|[省市区县]牵头单位|牵头负责单位|牵头负责部门)$/, 'lead'],
  [/^(?:配合单位|配合部门|协办单位|参与单位|协助单位|协同责任单位|协同单位|配合责任单位)$/, 'other'],
  [/^(?:责任单位|责任部门|责任主体|主责单位|承办单位|实施主体|责任单位及分工)$/, 'responsible'],
  [/^(?:部门分工|分工|责任分工)$/, 'owners'],
  [/^(?:进度安排|完成时限|时间节点|完成时间|时限要求|时间安排|完成期限|时间要求)$/, 'schedule'],
];
const LABEL_WORDS =
  '牵头责任单位|[省市区县]牵头单位|牵头负责单位|牵头负责部门|牵头单位|牵头部门|主办单位|协同责任单位|配合责任单位|协同单位|配合单位|配合部门|协办单位|参与单位|协助单位|责任单位及分工|责任单位|责任部门|责任主体|主责单位|承办单位|实施主体|部门分工|责任分工|进度安排|完成时限|时间节点|完成时间|时限要求|时间安排|完成期限|时间要求';
const LABEL_AT = new RegExp(`(${LABEL_WORDS})\\s*:`, 'g');
const LABEL_ONE = new RegExp(`(${LABEL_WORDS})\\s*:`);
const FIELD_LINE = new RegExp(`^(?:${LABEL_WORDS})\\s*:`);
/** People, not units: kept in the item's words, never read as owners. */
const ASIDE_LINE = /^(?:牵头领导|牵头负责领导|牵头市领导|牵头省领导|分管领导|分管省领导|分管市领导|分管区领导|责任领导|联系领导|包抓领导|备注)\s*:/;

const CHAPTER_WORD = /^第[一二三四五六七八九十百]+[章部分篇]/;
const NUMBERED: [RegExp, NumberingStyle][] = [
  [/^\(([一二三四五六七八九十]{1,3})\)\s*(.*)$/, 'cn-paren'],
  [/^([一二三四五六七八九十]{1,3})\s*、\s*(.*)$/, 'cn-comma'],
  [/^(\d{1,4})\s*[.﹒](?!\d)\s*(.*)$/, 'dot'],
  [/^(\d{1,4})\s*、\s*(.*)$/, 'comma'],
  [/^\((\d{1,4})\)\s*(.*)$/, 'paren'],
];
/** Coarse to fine, as Chinese documents nest them; dot and comma are one level written two ways. */
const RANK: Record<NumberingStyle, number> = { 'cn-comma': 1, 'cn-paren': 2, dot: 3, comma: 3, paren: 4 };
/** Items under these headings are not tasks even when numbered like them (保障措施, 组织实施…). */
const NON_TASK_HEADING = /保障措施|组织实施|组织保障|工作要求|实施步骤|保障机制/;

type Line =
  | { kind: 'blank' }
  | { kind: 'chapter'; text: string }
  | { kind: 'item'; number: number; style: NumberingStyle; rest: string }
  | { kind: 'field'; fields: { kind: FieldKind; value: string }[] }
  | { kind: 'aside'; text: string }
  | { kind: 'text'; text: string };

export function readItemBlocks(document: string): BlockReading {
  const source: SourceLine[] = normalizeWidth(document)
    .split('\n')
    .map((text, i) => ({ text: text.trim(), line: i + 1 }));
  const expanded = expandTextTables(source);
  const lines = expanded.map((l) => classify(l.text));
  const lineNo = (i: number) => expanded[i].line;
  const taskStyles = chooseTaskStyles(lines);
  const isTaskStyle = (s: NumberingStyle) => taskStyles.includes(s);
  const taskRank = taskStyles.length ? RANK[taskStyles[0]] : 0;

  const blocks: ItemBlock[] = [];
  const warnings: PlanWarning[] = [];
  const outside: OutsideParagraph[] = [];
  const itemLines: { line: number; text: string }[] = [];
  let chapter = '';
  let section = '';
  let open: ItemBlock | undefined;
  let lastField: TaskField | undefined;
  let blankSinceField = false;
  /** A blank line since the last line of the open item's words (a closing paragraph stands apart). */
  let blankSinceText = false;
  /** Inside field lines that belong to no item, reported once. */
  let orphan = false;
  /** A heading that named owners itself; reported if no task follows it. */
  let ownedHeading: { line: number; text: string; tasksBefore: number } | undefined;

  const close = () => {
    if (open) blocks.push(finishInline(open));
    open = undefined;
    lastField = undefined;
  };
  const settleOwnedHeading = () => {
    if (ownedHeading && blocks.length === ownedHeading.tasksBefore) {
      warnings.push({
        line: ownedHeading.line,
        message: `numbered heading names responsible units but has no numbered items under it; its units are not imported (the plan's tasks are numbered ${styleExample(taskStyles)})`,
        source: snippet(ownedHeading.text),
      });
    }
    ownedHeading = undefined;
  };
  const addOutside = (i: number, text: string) => {
    outside.push({ line: lineNo(i), text, heading: `${chapter} ${section}` });
  };
  // A scan, not lines.slice(i + 1).find(): copying the rest of the document for every text line
  // made a 5 MB plan take seconds (quadratic in lines).
  const nextNonBlank = (i: number) => {
    for (let j = i + 1; j < lines.length; j++) if (lines[j].kind !== 'blank') return lines[j];
    return undefined;
  };

  lines.forEach((l, i) => {
    if (l.kind !== 'field' && l.kind !== 'blank') orphan = false;
    switch (l.kind) {
      case 'blank':
        blankSinceField = true;
        blankSinceText = true;
        return;
      case 'chapter':
        close();
        settleOwnedHeading();
        chapter = l.text;
        section = '';
        return;
      case 'item': {
        const raw = expanded[i].text;
        // Only the first three are ever quoted.
        if (itemLines.length < 3 && (!headingLike(l.rest) || /。$/.test(l.rest))) itemLines.push({ line: lineNo(i), text: snippet(raw) });
        if (isTaskStyle(l.style)) {
          // A differently numbered line inside an item that has no fields yet is a sub-point of it.
          if (open && open.fields.length === 0 && open.style !== l.style && (open.headed || !endsWithOwners(open.text))) {
            open.text += `\n${raw}`;
            return;
          }
          close();
          open = { number: l.number, style: l.style, chapter, section, line: lineNo(i), text: l.rest, fields: [], ...(headedOwners(l.rest) ? { headed: true } : {}) };
          return;
        }
        if (taskRank === 0 || RANK[l.style] < taskRank) {
          close();
          const owned = endsWithOwners(l.rest);
          if (l.style === 'cn-comma' ? !headingLike(l.rest) : !owned && !headingLike(l.rest)) {
            addOutside(i, raw); // a notice point ("一、各有关部门要高度重视…。…"), not a heading
            return;
          }
          settleOwnedHeading();
          if (l.style === 'cn-comma') {
            chapter = raw;
            section = '';
          } else section = sectionTitle(l.rest);
          if (owned && taskRank > 0) ownedHeading = { line: lineNo(i), text: raw, tasksBefore: blocks.length };
          return;
        }
        // Finer numbering: part of the open item's words (its points, also after its owner bracket), or a paragraph.
        if (open && (open.fields.length === 0 || open.fields.every((f) => f.inline))) {
          if (open.fields.length === 0 && !open.headed && endsWithOwners(open.text)) open = finishInline(open);
          open.text += `\n${raw}`;
          if (open.fields.length) open.subpoints = true;
          blankSinceText = false;
        } else {
          close();
          addOutside(i, raw);
        }
        return;
      }
      case 'field':
        // A second 责任单位 (or 进度安排) after the item's own means a new item whose number was lost.
        if (open && blankSinceField && l.fields.some((f) => open?.fields.some((g) => g.kind === f.kind))) {
          close();
          orphan = false;
        }
        if (!open) {
          if (!orphan) {
            warnings.push({ line: lineNo(i), message: 'responsibility or schedule line without a numbered item above it (a task whose number was lost?); not imported', source: expanded[i].text });
          }
          orphan = true;
          return;
        }
        for (const f of l.fields) {
          lastField = { ...f, line: lineNo(i) };
          open.fields.push(lastField);
        }
        blankSinceField = false;
        return;
      case 'aside':
        if (open) {
          open.text += `\n${l.text}`;
          lastField = undefined;
        } else addOutside(i, l.text);
        return;
      case 'text': {
        const next = nextNonBlank(i);
        if (looksLikeHeading(l.text) && (next?.kind === 'item' || next?.kind === 'chapter')) {
          close();
          settleOwnedHeading();
          section = cleanHeading(l.text);
          return;
        }
        if (!open) {
          addOutside(i, l.text);
          return;
        }
        if (open.fields.length === 0) {
          // The owner bracket ended the item, or (under a titled item) a closing paragraph begins: the document speaks again.
          if (open.headed ? blankSinceText && CLOSING.test(l.text) : endsWithOwners(open.text)) {
            close();
            addOutside(i, l.text);
          } else open.text += open.text ? `\n${l.text}` : l.text;
          blankSinceText = false;
        } else if (lastField && !blankSinceField && !lastField.inline) lastField.value += l.text; // a field value wrapped onto the next line
        else if (open.subpoints && !(blankSinceText && CLOSING.test(l.text))) {
          open.text += `\n${l.text}`; // a point of the item, wrapped
          blankSinceText = false;
        } else {
          close(); // prose after a finished item (closing remarks) belongs to no task
          addOutside(i, l.text);
        }
        return;
      }
    }
  });
  close();
  settleOwnedHeading();

  const NON_TASK = (b: ItemBlock) => NON_TASK_HEADING.test(`${b.chapter} ${b.section}`);
  for (const b of blocks) if (b.fields.length === 0 && NON_TASK(b)) outside.push({ line: b.line, text: b.text, heading: `${b.chapter} ${b.section}` });
  return {
    blocks: blocks.filter((b) => b.fields.length > 0 || !NON_TASK(b)),
    warnings,
    outside,
    ...findFirstLeadsRule(source),
    taskStyles,
    itemLines,
  };
}

// The first characters a field, aside, chapter or numbered line can start with: most lines of a plan are prose
// and are told apart by one lookup instead of a dozen regexes.
const FIELD_START = new Set([...LABEL_WORDS.replace(/\[([^\]]+)\]/g, '$1').split('|').map((w) => w[0]), '省', '市', '区', '县']);
const ASIDE_START = new Set(['牵', '分', '责', '联', '包', '备']);
const NUMBER_START = /^[(\d一二三四五六七八九十]/;

function classify(text: string): Line {
  if (!text) return { kind: 'blank' };
  const first = text[0];
  if (FIELD_START.has(first) && FIELD_LINE.test(text)) return { kind: 'field', fields: splitFields(text) };
  if (ASIDE_START.has(first) && ASIDE_LINE.test(text)) return { kind: 'aside', text };
  if (first === '第' && CHAPTER_WORD.test(text)) return { kind: 'chapter', text };
  if (!NUMBER_START.test(first)) return { kind: 'text', text };
  for (const [re, style] of NUMBERED) {
    const m = re.exec(text);
    if (!m) continue;
    const number = style === 'cn-paren' || style === 'cn-comma' ? numeralValue(m[1]) : Number(m[1]);
    if (number !== undefined) return { kind: 'item', number, style, rest: m[2].trim() };
  }
  return { kind: 'text', text };
}

/**
 * The numbering of the tasks: the style whose items most often name their owners (field lines before the next
 * numbered line, or an owner bracket at the end of the item's paragraph). 1. and 1、 are one level; a tie goes
 * to the finer level, because a coarser item that names owners is usually a summary of its sub-items.
 */
function chooseTaskStyles(lines: Line[]): NumberingStyle[] {
  const count = new Map<NumberingStyle, number>();
  let current: { style: NumberingStyle; text: string; owned: boolean; headed: boolean } | undefined;
  const settle = () => {
    if (current && (current.owned || current.headed || endsWithOwners(current.text) || hasInlineLabel(current.text))) count.set(current.style, (count.get(current.style) ?? 0) + 1);
    current = undefined;
  };
  let paragraphOpen = false;
  for (const l of lines) {
    if (l.kind === 'item') {
      settle();
      current = { style: l.style, text: l.rest, owned: false, headed: !!headedOwners(l.rest) };
      paragraphOpen = true;
    } else if (l.kind === 'field') {
      if (current) current.owned = true;
      paragraphOpen = false;
    } else if (l.kind === 'chapter') {
      settle();
    } else if (l.kind === 'text' && current && paragraphOpen) {
      current.text += l.text;
    } else if (l.kind === 'blank' && current && !current.owned) {
      // A blank line ends the paragraph; field lines may still follow (the Jin'an layout).
      paragraphOpen = /\)$/.test(current.text) ? false : paragraphOpen;
    }
  }
  settle();
  if (count.size === 0) return [];
  const ranked = [...count.entries()].sort((a, b) => b[1] - a[1] || RANK[b[0]] - RANK[a[0]]);
  const best = ranked[0][0];
  return ranked.filter(([s]) => RANK[s] === RANK[best]).map(([s]) => s);
}

function findFirstLeadsRule(source: SourceLine[]): { firstLeadsRule?: { line: number; source: string } } {
  for (const l of source) {
    const m = FIRST_LEADS_RULE.exec(l.text);
    if (m) {
      const from = Math.max(0, m.index - 12);
      return { firstLeadsRule: { line: l.line, source: l.text.slice(from, m.index + m[0].length + 6) } };
    }
  }
  return {};
}

/** "牵头单位:X 配合单位:Y" → two fields; the label decides the kind. */
function splitFields(text: string): { kind: FieldKind; value: string }[] {
  const hits = [...text.matchAll(LABEL_AT)];
  return hits.map((h, k) => {
    const end = k + 1 < hits.length ? hits[k + 1].index : text.length;
    const value = text
      .slice((h.index ?? 0) + h[0].length, end)
      .trim()
      .replace(/^[,;。]+|[,;。]+$/g, '')
      .trim();
    return { kind: kindOf(h[1]), value };
  });
}

function kindOf(label: string): FieldKind {
  for (const [re, kind] of FIELD_LABELS) if (re.test(label)) return kind;
  return 'other';
}

/** The words that end an item's paragraph, without closing full stops. */
function body(text: string): string {
  // From the end by hand: a $-anchored regex scans the whole (growing) text of a long item each time.
  let end = text.length;
  while (end > 0 && (text[end - 1] === '。' || text[end - 1] === '.' || /\s/.test(text[end - 1]))) end--;
  return end === text.length ? text : text.slice(0, end);
}

/** The item's paragraph ends with a bracket that names owners: "(X负责)", "〔牵头单位:X〕". */
function endsWithOwners(text: string): boolean {
  const group = trailingGroup(body(text));
  return !!group && (LABEL_ONE.test(group.inner) || isOwnerBracket(group.inner));
}

/** "强化科技创新(区科技局牵头)": a title (short, one phrase) whose bracket names its owners; its words follow it. */
function headedOwners(first: string): { words: string; inner: string } | undefined {
  const t = body(first);
  const group = trailingGroup(t);
  if (!group || !(LABEL_ONE.test(group.inner) || isOwnerBracket(group.inner))) return undefined;
  const words = t.slice(0, group.start).trim();
  return words && words.length <= 40 && !/[。;,]/.test(words) ? { words, inner: group.inner } : undefined;
}

/** A paragraph addressed to everyone, after the items: "各单位要…", "请于…", "本方案自…起施行". */
const CLOSING = /^(?:各|请|本(?:方案|意见|通知|措施|举措|政策|办法|细则|计划|要点)|以上|上述)/;

function hasInlineLabel(text: string): boolean {
  const at = LABEL_ONE.exec(text);
  return !!at && at.index > 0;
}

/**
 * Fields written into the item itself: "…。(牵头单位:X,配合单位:Y)", "…(A、B负责)", or
 * "…。责任单位:X。完成时限:Y" on the item's own line. Only looked for when there are no field lines.
 */
function finishInline(block: ItemBlock): ItemBlock {
  if (block.fields.length) return block;
  if (block.headed) {
    const [first, ...rest] = block.text.split('\n');
    const headed = headedOwners(first);
    if (headed) {
      const inner = headed.inner.trim();
      const fields = LABEL_ONE.test(inner) ? splitTopLevel(inner, /[;]/).flatMap((part) => splitFields(part)) : [{ kind: 'owners' as const, value: inner }];
      return { ...block, text: [headed.words, ...rest].join('\n'), fields: fields.map((f) => ({ ...f, line: block.line, inline: true })) };
    }
  }
  const text = body(block.text);
  const group = trailingGroup(text);
  if (group) {
    const inner = group.inner.trim();
    const before = text.slice(0, group.start).trim();
    if (LABEL_ONE.test(inner)) {
      const fields = splitTopLevel(inner, /[;]/).flatMap((part) => splitFields(part));
      // "(牵头单位:X;责任单位:Y,6月底完成)": anything before the first label is owners' words too.
      const lead = inner.slice(0, LABEL_ONE.exec(inner)?.index ?? 0).replace(/[,;]+$/, '').trim();
      if (lead) fields.unshift({ kind: 'owners', value: lead });
      return { ...block, text: before, fields: fields.map((f) => ({ ...f, line: block.line, inline: true })) };
    }
    if (isOwnerBracket(inner)) return { ...block, text: before, fields: [{ kind: 'owners', value: inner, line: block.line, inline: true }] };
  }
  const at = LABEL_ONE.exec(block.text);
  if (at && at.index > 0) {
    const fields = splitFields(block.text.slice(at.index)).map((f) => ({ ...f, line: block.line, inline: true }));
    // A bracket cut by the end of the excerpt ("…模式。(牵头单位:…") leaves its opening behind.
    return { ...block, text: block.text.slice(0, at.index).trim().replace(/[(〔]$/, '').trim(), fields };
  }
  return block;
}

const OPEN = new Set(['(', '〔']);
const CLOSE = new Set([')', '〕']);

/** The balanced (...) or 〔...〕 group that ends the text, if any: "…负面清单。(区发改局(区大数据局)、区商务局负责)". */
function trailingGroup(text: string): { start: number; inner: string } | undefined {
  if (!CLOSE.has(text[text.length - 1])) return undefined;
  let depth = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    if (CLOSE.has(text[i])) depth++;
    else if (OPEN.has(text[i])) {
      depth--;
      if (depth === 0) return { start: i, inner: text.slice(i + 1, -1) };
    }
  }
  return undefined;
}

function looksLikeHeading(text: string): boolean {
  return text.length <= 40 && !/[。,;:、!?]$/.test(text) && !/[。:]/.test(text) && !/负责\)|牵头/.test(text);
}

/** A 一、 line that is a chapter title, not a notice point of several sentences. */
function headingLike(rest: string): boolean {
  const t = body(rest);
  return !/[。;]/.test(t) && t.length <= 60;
}

/** A (一) heading's title: its first sentence, without its numbering or owner bracket. */
function sectionTitle(rest: string): string {
  const t = body(rest);
  const group = trailingGroup(t);
  const words = group && (LABEL_ONE.test(group.inner) || isOwnerBracket(group.inner)) ? t.slice(0, group.start) : t;
  return cleanHeading(words.split('。')[0] ?? words);
}

function styleExample(styles: NumberingStyle[]): string {
  const ex: Record<NumberingStyle, string> = { dot: '1.', comma: '1、', paren: '(1)', 'cn-paren': '(一)', 'cn-comma': '一、' };
  return styles.map((s) => ex[s]).join(' ') || '—';
}

/** Section titles without their (often damaged) numbering: "(十深化…", ")推进…", "二十)加强…", "二十发挥…". */
export function cleanHeading(text: string): string {
  return text
    .replace(/^\(?[一二三四五六七八九十]+\)/, '')
    .replace(/^\([一二三四五六七八九十]+/, '')
    .replace(/^\)/, '')
    .replace(/^[二三四五六七八九]?十[一二三四五六七八九]?(?=[\u4e00-\u9fff]{4})/, '')
    .trim();
}

const DIGIT: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 一 → 1, 十二 → 12, 二十 → 20, 九十九 → 99; anything else (十十) is not a number. */
export function numeralValue(s: string): number | undefined {
  if (/^[一二三四五六七八九]$/.test(s)) return DIGIT[s];
  const m = /^([一二三四五六七八九])?十([一二三四五六七八九])?$/.exec(s);
  if (!m) return undefined;
  return (m[1] ? DIGIT[m[1]] : 1) * 10 + (m[2] ? DIGIT[m[2]] : 0);
}

function snippet(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 40 ? `${one.slice(0, 40)}…` : one;
}

// The layout of a plan: chapters (一、), sections ((一)), numbered items (1. 1、 (1)) and the field
// lines under them (责任单位: 进度安排: …), or the same fields written inline at the end of an item.
// Scraped plans lose characters in headings ("(十深化…", ")推进…", a bare "加快推进…建设"), so a
// heading is also recognised by its shape: a short unpunctuated line right before a numbered item.
import { normalizeWidth } from './normalize-text.ts';
import { splitTopLevel } from './split-top-level.ts';
import type { PlanWarning } from './types.ts';

/** lead = 牵头单位, other = 配合单位, responsible = 责任单位 (split on 牵头), firstLeads = "(A、B负责)". */
export type FieldKind = 'lead' | 'other' | 'responsible' | 'firstLeads' | 'schedule';

export interface TaskField {
  kind: FieldKind;
  value: string;
  line: number;
}

export type NumberingStyle = 'dot' | 'comma' | 'paren';

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
}

const FIELD_LABELS: [RegExp, FieldKind][] = [
  [/^(?:牵头单位|牵头部门|主办单位)$/, 'lead'],
  [/^(?:配合单位|配合部门|协办单位|参与单位|协助单位)$/, 'other'],
  [/^(?:责任单位|责任部门|责任主体|主责单位|承办单位|实施主体)$/, 'responsible'],
  [/^(?:进度安排|完成时限|时间节点|完成时间|时限要求|时间安排|完成期限|时间要求)$/, 'schedule'],
];
const LABEL_WORDS = '牵头单位|牵头部门|主办单位|配合单位|配合部门|协办单位|参与单位|协助单位|责任单位|责任部门|责任主体|主责单位|承办单位|实施主体|进度安排|完成时限|时间节点|完成时间|时限要求|时间安排|完成期限|时间要求';
const LABEL_AT = new RegExp(`(${LABEL_WORDS})\\s*:`, 'g');
const LABEL_ONE = new RegExp(`(${LABEL_WORDS})\\s*:`);
const FIELD_LINE = new RegExp(`^(?:${LABEL_WORDS})\\s*:`);

const CHAPTER = /^(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+[章部分篇])/;
const SECTION = /^\([一二三四五六七八九十]+\)/;
const NUMBERED: [RegExp, NumberingStyle][] = [
  [/^(\d{1,4})\s*\.(?!\d)\s*(.*)$/, 'dot'],
  [/^(\d{1,4})\s*、\s*(.*)$/, 'comma'],
  [/^\((\d{1,4})\)\s*(.*)$/, 'paren'],
];

type Line =
  | { kind: 'blank' }
  | { kind: 'chapter'; text: string }
  | { kind: 'section'; text: string }
  | { kind: 'item'; number: number; style: NumberingStyle; rest: string }
  | { kind: 'field'; fields: { kind: FieldKind; value: string }[] }
  | { kind: 'text'; text: string };

export function readItemBlocks(document: string): { blocks: ItemBlock[]; warnings: PlanWarning[] } {
  const raw = normalizeWidth(document).split('\n');
  const lines = raw.map(classify);
  const blocks: ItemBlock[] = [];
  const warnings: PlanWarning[] = [];
  let chapter = '';
  let section = '';
  let open: ItemBlock | undefined;
  let lastField: TaskField | undefined;
  let blankSinceField = false;
  /** Inside field lines that belong to no item, reported once. */
  let orphan = false;

  const close = () => {
    if (open) blocks.push(finishInline(open));
    open = undefined;
    lastField = undefined;
  };
  // A scan, not lines.slice(i + 1).find(): copying the rest of the document for every text line
  // made a 5 MB plan take seconds (quadratic in lines).
  const nextNonBlank = (i: number) => {
    for (let j = i + 1; j < lines.length; j++) if (lines[j].kind !== 'blank') return lines[j];
    return undefined;
  };

  lines.forEach((l, i) => {
    const lineNo = i + 1;
    if (l.kind !== 'field' && l.kind !== 'blank') orphan = false;
    switch (l.kind) {
      case 'blank':
        blankSinceField = true;
        return;
      case 'chapter':
        close();
        chapter = l.text;
        section = '';
        return;
      case 'section':
        close();
        section = cleanHeading(l.text);
        return;
      case 'item': {
        // A differently numbered line inside an item that has no fields yet is a sub-point of it.
        if (open && open.fields.length === 0 && open.style !== l.style) {
          open.text += `\n${raw[i].trim()}`;
          return;
        }
        close();
        open = { number: l.number, style: l.style, chapter, section, line: lineNo, text: l.rest, fields: [] };
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
            warnings.push({ line: lineNo, message: 'responsibility or schedule line without a numbered item above it (a task whose number was lost?); not imported', source: raw[i].trim() });
          }
          orphan = true;
          return;
        }
        for (const f of l.fields) {
          lastField = { ...f, line: lineNo };
          open.fields.push(lastField);
        }
        blankSinceField = false;
        return;
      case 'text': {
        const next = nextNonBlank(i);
        if (looksLikeHeading(l.text) && (next?.kind === 'item' || next?.kind === 'section' || next?.kind === 'chapter')) {
          close();
          section = cleanHeading(l.text);
          return;
        }
        if (!open) return;
        if (open.fields.length === 0) open.text += open.text ? `\n${l.text}` : l.text;
        else if (lastField && !blankSinceField) lastField.value += l.text; // a field value wrapped onto the next line
        else close(); // prose after a finished item (closing remarks) belongs to no task
        return;
      }
    }
  });
  close();
  return { blocks, warnings };
}

function classify(rawLine: string): Line {
  const text = rawLine.trim();
  if (!text) return { kind: 'blank' };
  if (FIELD_LINE.test(text)) return { kind: 'field', fields: splitFields(text) };
  if (CHAPTER.test(text)) return { kind: 'chapter', text };
  if (SECTION.test(text) && text.length <= 40) return { kind: 'section', text };
  for (const [re, style] of NUMBERED) {
    const m = re.exec(text);
    if (m) return { kind: 'item', number: Number(m[1]), style, rest: m[2].trim() };
  }
  return { kind: 'text', text };
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

/**
 * Fields written into the item itself: "…。(牵头单位:X,配合单位:Y)", "…(A、B负责)", or
 * "…。责任单位:X。完成时限:Y" on the item's own line. Only looked for when there are no field lines.
 */
function finishInline(block: ItemBlock): ItemBlock {
  if (block.fields.length) return block;
  const body = block.text.replace(/[。.\s]+$/, '');
  const group = trailingGroup(body);
  if (group) {
    const inner = group.inner.trim();
    if (LABEL_ONE.test(inner)) {
      const fields = splitTopLevel(inner, /[;]/).flatMap((part) => splitFields(part));
      return { ...block, text: body.slice(0, group.start).trim(), fields: fields.map((f) => ({ ...f, line: block.line })) };
    }
    const resp = /^(.+?)(负责|牵头)$/.exec(inner);
    if (resp) {
      return { ...block, text: body.slice(0, group.start).trim(), fields: [{ kind: 'firstLeads', value: resp[1], line: block.line }] };
    }
  }
  const at = LABEL_ONE.exec(block.text);
  if (at && at.index > 0) {
    const fields = splitFields(block.text.slice(at.index)).map((f) => ({ ...f, line: block.line }));
    return { ...block, text: block.text.slice(0, at.index).trim(), fields };
  }
  return block;
}

/** The balanced (...) group that ends the text, if any: "…负面清单。(区发改局(区大数据局)、区商务局负责)". */
function trailingGroup(text: string): { start: number; inner: string } | undefined {
  if (!text.endsWith(')')) return undefined;
  let depth = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    if (text[i] === ')') depth++;
    else if (text[i] === '(') {
      depth--;
      if (depth === 0) return { start: i, inner: text.slice(i + 1, -1) };
    }
  }
  return undefined;
}

function looksLikeHeading(text: string): boolean {
  return text.length <= 40 && !/[。,;:、!?]$/.test(text) && !/[。:]/.test(text) && !/负责\)|牵头/.test(text);
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

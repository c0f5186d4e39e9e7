// Who is responsible for an item: lead units (牵头) and the other responsible units.
// "责任单位:委编办、政府办牵头,各乡镇(街道)有关部门" → lead 区委编办, 区政府办; other 各乡镇(街道), 有关部门.
// "(财政部牵头,国务院相关部门及各地区按职责分工负责)" → lead 财政部; other 国务院相关部门, 各地区.
// Units named without a role ("(A、B负责)", "责任单位:A、B") follow the document's own rule when it states one
// ("列第一位者为牵头单位"): the first listed leads. Without a rule every listed unit is responsible, so each
// counts as lead.
import { readOwnerText, type OwnerClauses } from './read-owners.ts';
import { splitTopLevel } from './split-top-level.ts';
import type { TaskField } from './read-task-blocks.ts';
import { listNames, splitUnitList, type UnitDirectory } from './unit-directory.ts';

export interface Responsibility {
  leadUnits: string[];
  otherUnits: string[];
  /** Names the directory does not know, kept in the lists as written. */
  unknown: string[];
  partial: Record<string, string[]>;
  /** Schedule words written among the owners ("(国务院各部门分别负责,年内持续推进)"). */
  schedule: string[];
  /** "以下政策措施均需X落实,不再单独列出": units that take part in every later item. */
  standing: string[];
}

export interface ResponsibilityRules {
  /** The document says the first listed unit leads ("列第一位者为牵头单位,下同"). */
  firstLeads?: boolean;
  /** Units a standing sentence of an earlier item added to every item after it. */
  standing?: string[];
}

/** `fixes` maps a name as written to the units it stands for (a reviewed override). */
export function readResponsibility(dir: UnitDirectory, fields: TaskField[], fixes: Record<string, string[]> = {}, rules: ResponsibilityRules = {}): Responsibility {
  const leadText: string[] = [];
  const otherText: string[] = [];
  const responsibleText: string[] = [];
  const schedule: string[] = [];
  const standing: string[] = [];
  const hasLeadField = fields.some((f) => f.kind === 'lead');
  const take = (o: OwnerClauses) => {
    leadText.push(...o.lead);
    otherText.push(...o.other);
    responsibleText.push(...o.responsible);
    schedule.push(...o.schedule);
    standing.push(...o.standing);
  };
  for (const f of fields) {
    const value = applyFixes(f.value, fixes);
    if (f.kind === 'lead') leadText.push(...unitSentences(value, standing));
    else if (f.kind === 'other') otherText.push(...unitSentences(value, standing));
    else if (f.kind === 'responsible' && hasLeadField) otherText.push(...unitSentences(value, standing)); // 牵头单位: then 责任单位: lists the rest
    else if (f.kind === 'responsible') {
      const parts = splitAtLead(value);
      if (parts) {
        leadText.push(parts.lead);
        otherText.push(parts.other);
      } else take(readOwnerText(value));
    } else if (f.kind === 'owners') take(readOwnerText(value));
  }
  responsibleText.push(...(rules.standing ?? []));
  if (leadText.some((t) => t.trim())) otherText.unshift(...responsibleText);
  else if (rules.firstLeads && responsibleText.length) {
    const [first, ...rest] = listNames(responsibleText.join('、'));
    leadText.push(first ?? '');
    otherText.unshift(rest.join('、'));
  } else leadText.push(...responsibleText);

  const out: Responsibility = { leadUnits: [], otherUnits: [], unknown: [], partial: {}, schedule, standing };
  for (const [text, list] of [
    [leadText, out.leadUnits],
    [otherText, out.otherUnits],
  ] as const) {
    for (const t of text) {
      const split = splitUnitList(dir, t);
      for (const u of split.units) if (!list.includes(u)) list.push(u);
      for (const u of split.unknown) if (!out.unknown.includes(u)) out.unknown.push(u);
      Object.assign(out.partial, split.partial);
    }
  }
  out.otherUnits = out.otherUnits.filter((u) => !out.leadUnits.includes(u));
  return out;
}

/** A field value's unit list; a standing sentence after it ("。以下…均需X落实,不再单独列出") is set aside. */
function unitSentences(value: string, standing: string[]): string[] {
  const [first, ...rest] = splitTopLevel(value, /[。]/);
  for (const s of rest) standing.push(...readOwnerText(s).standing);
  return [first ?? ''];
}

/** Before "牵头" (at the end of the lead list) are lead units; per-unit "(牵头)" marks work too. */
function splitAtLead(value: string): { lead: string; other: string } | undefined {
  if (value.includes('(牵头)')) {
    const tokens = splitTopLevel(value, /[、,;\s]/);
    return {
      lead: tokens.filter((t) => t.endsWith('(牵头)')).map((t) => t.slice(0, -4)).join('、'),
      other: tokens.filter((t) => !t.endsWith('(牵头)')).join('、'),
    };
  }
  const m = /牵头(?:单位)?(?=[,;、\s]|$)/.exec(value);
  if (!m) return undefined;
  const other = readOwnerText(value.slice(m.index + m[0].length));
  return { lead: value.slice(0, m.index), other: [...other.responsible, ...other.other, ...other.lead].join('、') };
}

function applyFixes(value: string, fixes: Record<string, string[]>): string {
  let v = value;
  for (const [written, names] of Object.entries(fixes)) v = v.split(written).join(names.join('、'));
  return v;
}

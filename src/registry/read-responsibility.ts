// Who is responsible for an item: lead units (牵头) and the other responsible units.
// "责任单位:委编办、政府办牵头,各乡镇(街道)有关部门" → lead 区委编办, 区政府办; other 各乡镇(街道), 有关部门.
// Without any 牵头 mark every listed unit is responsible, so each counts as lead.
import { splitTopLevel } from './split-top-level.ts';
import type { TaskField } from './read-task-blocks.ts';
import { splitUnitList, type UnitDirectory } from './unit-directory.ts';

export interface Responsibility {
  leadUnits: string[];
  otherUnits: string[];
  /** Names the directory does not know, kept in the lists as written. */
  unknown: string[];
  partial: Record<string, string[]>;
}

/** `fixes` maps a name as written to the units it stands for (a reviewed override). */
export function readResponsibility(dir: UnitDirectory, fields: TaskField[], fixes: Record<string, string[]> = {}): Responsibility {
  const leadText: string[] = [];
  const otherText: string[] = [];
  const hasLeadField = fields.some((f) => f.kind === 'lead');
  for (const f of fields) {
    const value = applyFixes(f.value, fixes);
    if (f.kind === 'lead') leadText.push(value);
    else if (f.kind === 'other') otherText.push(value);
    else if (f.kind === 'responsible' && hasLeadField) otherText.push(value); // 牵头单位: then 责任单位: lists the rest
    else if (f.kind === 'responsible') {
      const parts = splitAtLead(value);
      leadText.push(parts.lead);
      otherText.push(parts.other);
    } else if (f.kind === 'firstLeads') {
      const [first, ...rest] = splitTopLevel(value, /[、,;\s]/);
      leadText.push(first ?? '');
      otherText.push(rest.join('、'));
    }
  }
  const out: Responsibility = { leadUnits: [], otherUnits: [], unknown: [], partial: {} };
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

/** Before "牵头" (at the end of the lead list) are lead units; per-unit "(牵头)" marks work too. */
function splitAtLead(value: string): { lead: string; other: string } {
  if (value.includes('(牵头)')) {
    const tokens = splitTopLevel(value, /[、,;\s]/);
    return {
      lead: tokens.filter((t) => t.endsWith('(牵头)')).map((t) => t.slice(0, -4)).join('、'),
      other: tokens.filter((t) => !t.endsWith('(牵头)')).join('、'),
    };
  }
  const m = /牵头(?:单位)?(?=[,;、\s]|$)/.exec(value);
  if (!m) return { lead: value, other: '' };
  return { lead: value.slice(0, m.index), other: value.slice(m.index + m[0].length) };
}

function applyFixes(value: string, fixes: Record<string, string[]>): string {
  let v = value;
  for (const [written, names] of Object.entries(fixes)) v = v.split(written).join(names.join('、'));
  return v;
}

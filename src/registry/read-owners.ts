// The words plans use to say who does an item, outside labelled lines: "(国家发展改革委、财政部负责)",
// "(财政部牵头,国务院相关部门及各地区按职责分工负责)", "(X会同有关部门负责)", "(A、B等和各有关省级人民政府
// 负责)", "部门分工:省发展改革委牵头,各地、各部门配合", "(国务院各部门分别负责,年内持续推进)". The grammar reads
// an owner text into lists of unit names by role; which listed unit leads is decided later (read-responsibility),
// because it depends on the document's own rule ("列第一位者为牵头单位").
import { normalizeWidth } from './normalize-text.ts';
import { splitTopLevel } from './split-top-level.ts';

export interface OwnerClauses {
  /** Named as leading: "X牵头", "X牵头负责", "X会同Y负责" (X). */
  lead: string[];
  /** Named as responsible without a role: "A、B负责", "A等按职责分工负责". */
  responsible: string[];
  /** Named as taking part: "Y配合", "Y参与", "X会同Y负责" (Y). */
  other: string[];
  /** Schedule words inside the bracket: "年内持续推进", "2022年6月底前完成". */
  schedule: string[];
  /** "以下政策措施均需X落实,不再单独列出": X takes part in every later item too. */
  standing: string[];
  /** "A、B牵头负责": an explicit 牵头负责 overrides the document's first-listed rule for this item. */
  explicitLead: boolean;
}

// Longest first: the verb phrase that ends an owner group, and the role it gives.
const OWNER_VERBS: [RegExp, 'lead' | 'responsible' | 'other'][] = [
  [/(?:牵头负责|牵头落实|牵头抓总|牵头)$/, 'lead'],
  [/(?:配合落实|配合实施|配合|参与|协助|协办)$/, 'other'],
  [/(?:按职责分工负责|按照职责分工负责|按职责负责|分别负责|共同负责|负责落实|负责实施|负责|组织实施|抓好落实|落实)$/, 'responsible'],
];

/** "列第一位者为牵头单位", "排在第一位的部门为牵头部门", "列第一位的责任单位为牵头单位或汇总单位". */
export const FIRST_LEADS_RULE = /(?:列|排)(?:在|于)?(?:第一位|首位|第一)(?:的|者)?(?:责任)?(?:单位|部门)?(?:为|是)牵头|第一个(?:单位|部门)?为牵头/;

const STANDING = /^以下.{0,16}?均(?:需|由|要|应)(.+?)(?:负责)?落实.{0,4}?不再(?:单独|另行|逐一)?列出/;
const NOISE = /^(?:下同|以下同|下略|同上)$/;
/** A schedule group inside an owner bracket: a date, 年内, or 持续推进-like words. */
const SCHEDULE_GROUP = /\d{4}\s*年|[0-9一二三四五六七八九十]{1,2}月(?:底|末|\d|[一二三四五六七八九十])|年内|年底前|年底|(?:^|[^每])季度|上半年|下半年|^(?:持续|长期|常态化)|(?:日|天|周|月)内(?:完成)?$|之日起/;

/** Reads one owner text. `bracket` is true for a parenthesised group at the end of an item. */
export function readOwnerText(text: string): OwnerClauses {
  const out: OwnerClauses = { lead: [], responsible: [], other: [], schedule: [], standing: [], explicitLead: false };
  const body = normalizeWidth(text).trim().replace(/[。.;,]+$/, '');
  for (const sentence of splitTopLevel(body, /[。]/)) {
    const standing = STANDING.exec(sentence);
    if (standing) {
      out.standing.push(standing[1]);
      continue;
    }
    for (const raw of splitTopLevel(sentence, /[,;]/)) readGroup(raw.trim(), out);
  }
  return out;
}

function readGroup(group: string, out: OwnerClauses): void {
  let g = group.replace(/^(?:由|请|均由)/, '').trim();
  if (!g || NOISE.test(g) || FIRST_LEADS_RULE.test(g)) return;
  if (SCHEDULE_GROUP.test(g) && !OWNER_VERBS.some(([re]) => re.test(g))) {
    out.schedule.push(g);
    return;
  }
  // "2022年底前完成,X负责" is split already; "X负责,2022年底前完成" too. A group such as
  // "X负责2022年底前完成" is rare enough to be read as written.
  let role: 'lead' | 'responsible' | 'other' | undefined;
  for (const [re, r] of OWNER_VERBS) {
    const m = re.exec(g);
    if (m) {
      role = r;
      g = g.slice(0, m.index).trim();
      if (r === 'lead' && /负责|落实|抓总/.test(m[0])) out.explicitLead = true;
      break;
    }
  }
  const together = /^(.+?)会同(.+)$/.exec(g);
  if (together && role !== 'other') {
    out.lead.push(together[1]);
    out.other.push(together[2]);
    return;
  }
  // "A、B牵头、C": the lead list ends at 牵头 (the Jin'an 责任单位 style inside a bracket).
  const at = /牵头(?:单位)?(?=[、\s])/.exec(g);
  if (at && role !== 'lead') {
    out.lead.push(g.slice(0, at.index));
    (role === 'other' ? out.other : out.responsible).push(g.slice(at.index + at[0].length));
    return;
  }
  if (!g) return;
  (role === 'lead' ? out.lead : role === 'other' ? out.other : out.responsible).push(g);
}

/** True when a bracketed group says who is responsible ("…负责", "…牵头", "牵头单位:…"), not "(地、州、盟)". */
export function isOwnerBracket(inner: string): boolean {
  const body = normalizeWidth(inner).trim().replace(/[。.;,]+$/, '');
  return splitTopLevel(body, /[。,;]/).some((g) => {
    const t = g.trim().replace(/^(?:由|均由)/, '');
    if (STANDING.test(t)) return false;
    const verb = OWNER_VERBS.find(([re]) => re.test(t));
    if (!verb) return /会同.+负责/.test(t);
    const names = t.replace(verb[0], '').trim();
    // "(由政府负责人牵头)" names a person, and "(逐项抓好落实)" names nobody.
    return !/(?:负责人|领导|同志)$/.test(names) && splitTopLevel(names, /[、]/).some(looksLikeUnit);
  });
}

// The endings of unit names in these plans: 部/委/局/厅/办…, collective 各地区/有关部门, governments, companies.
const UNIT_ENDING = /(?:部|委|局|厅|办|署|院|府|中心|单位|部门|机构|会|行|所|处|组|地区|各地|街道|乡镇|镇|乡|县|省|区|市|集团|公司|海关|团|队|站|馆|室|庭|社|台|司|军|党委|班)(?:\([^()]*\))*(?:等)?$/;

/** A name shaped like a unit ("省发展改革委", "各街道(功能区)", "团市委"), not a phrase or a person. */
export function looksLikeUnit(name: string): boolean {
  const n = name.trim();
  return n.length >= 2 && n.length <= 30 && UNIT_ENDING.test(n) && !/[。:!?]/.test(n);
}

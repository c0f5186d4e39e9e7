// The unit directory (data/units.json): canonical unit names, the short forms plans write them in,
// and collective units (各乡镇(街道)) with their members. Plans lose separators when scraped
// ("发改局(区审改办)市场监管局"), so lists are split against the directory, longest name first.
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { normalizeWidth } from './normalize-text.ts';
import { splitTopLevel } from './split-top-level.ts';
import type { UnitDraft } from './types.ts';

const Name = z.string().trim().min(1);

export const UnitEntrySchema = z.object({
  name: Name,
  aliases: z.array(Name).default([]),
  collective: z.boolean().default(false),
  members: z.array(Name).default([]),
  /** For the people who edit the file: why an alias or a grouping is there. Ignored by the parser. */
  note: z.string().optional(),
});

export const UnitDirectoryFileSchema = z.array(UnitEntrySchema);
export type UnitDirectoryFile = z.input<typeof UnitDirectoryFileSchema>;

export interface UnitDirectory {
  readonly units: readonly UnitDraft[];
  /** Every written form (canonical name or alias, width-normalised) → canonical name. */
  readonly forms: ReadonlyMap<string, string>;
}

/** Builds the lookup; a form that names two different units is a mistake in the file, so it throws. */
export function createUnitDirectory(entries: UnitDirectoryFile = []): UnitDirectory {
  const parsed = UnitDirectoryFileSchema.parse(entries);
  const forms = new Map<string, string>();
  const units: UnitDraft[] = [];
  for (const e of parsed) {
    const name = clean(e.name);
    for (const form of [name, ...e.aliases.map(clean)]) {
      const owner = forms.get(form);
      if (owner !== undefined && owner !== name) {
        throw new AppError('units-conflict', `unit directory: "${form}" names both "${owner}" and "${name}"; keep it on one unit`);
      }
      forms.set(form, name);
    }
    units.push({
      name,
      aliases: e.aliases.map(clean).filter((a) => a !== name),
      ...(e.collective ? { collective: true, members: e.members.map(clean) } : {}),
    });
  }
  return { units, forms };
}

function clean(s: string): string {
  return normalizeWidth(s).replace(/\s+/g, '').trim();
}

/**
 * Canonical name for a written unit name, or null. Jin'an units are 区-prefixed and plans often drop
 * the prefix ("司法局", damaged "直各有关部门"), so "区" + name is tried too.
 */
export function resolveUnit(dir: UnitDirectory, name: string): string | null {
  const form = clean(name);
  return dir.forms.get(form) ?? dir.forms.get(`区${form}`) ?? null;
}

export interface UnitListSplit {
  /** Every unit in written order: canonical names, and unknown names kept as written so none is dropped. */
  units: string[];
  /** The names in `units` that the directory does not know. */
  unknown: string[];
  /** For an unknown name, the known units a partial reading found inside it (a hint for the warning). */
  partial: Record<string, string[]>;
}

const LIST_SEPARATORS = /[、,;\s]/;

/** Splits "委编办、发改牵头" style lists; runs without separators are split by greedy longest match. */
export function splitUnitList(dir: UnitDirectory, text: string): UnitListSplit {
  const out: UnitListSplit = { units: [], unknown: [], partial: {} };
  for (const raw of listNames(normalizeWidth(text))) {
    const token = raw.replace(/等(?:单位|部门)?$/, '').trim();
    if (!token) continue;
    const read = readName(dir, token);
    for (const u of read.units) if (!out.units.includes(u)) out.units.push(u);
    if (read.unknown) {
      if (!out.unknown.includes(token)) out.unknown.push(token);
      if (read.partial) out.partial[token] = read.partial;
    }
  }
  return out;
}

interface NameReading {
  units: string[];
  unknown: boolean;
  partial?: string[];
}

// A plan names the same few dozen units again and again: each written name is read against a directory once.
const readings = new WeakMap<UnitDirectory, Map<string, NameReading>>();

function readName(dir: UnitDirectory, token: string): NameReading {
  let cache = readings.get(dir);
  if (!cache) readings.set(dir, (cache = new Map()));
  const known = cache.get(token);
  if (known) return known;
  let read: NameReading;
  const direct = resolveUnit(dir, token);
  if (direct) read = { units: [direct], unknown: false };
  else {
    const seg = segment(dir, token);
    // Part of the run matched nothing: the split is a guess, so keep the whole name and say so.
    read = seg.rest.length === 0 && seg.units.length > 0 ? { units: seg.units, unknown: false } : { units: [token], unknown: true, ...(seg.units.length ? { partial: seg.units } : {}) };
  }
  cache.set(token, read);
  return read;
}

/**
 * The names of a list, split on separators outside parentheses and on the joining words of these plans:
 * "市财政局等有关部门" (等 then more), "国务院相关部门及各地区" (及), "A、B等和各有关省级人民政府" (和各).
 * "各区、县(市)政府" and "各省、自治区、直辖市人民政府" are one collective name, so a bare "各区" runs on.
 */
export function listNames(text: string): string[] {
  const out: string[] = [];
  for (const t of splitTopLevel(text, LIST_SEPARATORS)) {
    if (!JOINING.test(t)) push(out, t);
    else {
      const joined = t.replace(/(?<!高|平|中|初)等(?=[^)）]+$)/g, '\u0000').replace(/(?:以及|及)(?=.)/g, '\u0000').replace(/和(?=各)/g, '\u0000');
      for (const n of splitTopLevel(joined, /\u0000/)) push(out, n.replace(/^(?:和|与|以及|及)/, '').trim());
    }
  }
  return out;
}

/** Appends a name; a bare "各区"/"各省" before it runs on into it ("各区、县(市)政府"). */
function push(out: string[], n: string): void {
  if (!n) return;
  const prev = out[out.length - 1];
  if (prev !== undefined && prev.startsWith('各') && !n.startsWith('各') && REGION_PART.test(prev.slice(prev.lastIndexOf('、') + 1))) out[out.length - 1] = `${prev}、${n}`;
  else out.push(n);
}

const JOINING = /[等及和]/;
const REGION_PART = /^各?(?:省|市|区|县|乡|镇|州|盟|旗|自治区|直辖市|自治州|县\(市\)|县\(市、区\)|市\(州\))$/;

interface Segmentation {
  units: string[];
  rest: string[];
}

function segment(dir: UnitDirectory, token: string): Segmentation {
  const units: string[] = [];
  const rest: string[] = [];
  let pending = '';
  let i = 0;
  while (i < token.length) {
    const hit = longestFormAt(dir, token, i);
    if (!hit) {
      pending += token[i];
      i++;
      continue;
    }
    if (pending) rest.push(pending);
    pending = '';
    units.push(hit.name);
    i += hit.length;
    // "发改局(区审改办)": a parenthesis right after a unit holds other names of it, or co-located units.
    if (token[i] === '(') {
      const close = token.indexOf(')', i);
      if (close > i) {
        const inner = splitTopLevel(token.slice(i + 1, close), LIST_SEPARATORS).map((n) => resolveUnit(dir, n));
        if (inner.length && inner.every((n) => n !== null)) {
          for (const n of inner) if (n && !units.includes(n)) units.push(n);
          i = close + 1;
        }
      }
    }
  }
  if (pending) rest.push(pending);
  return { units, rest };
}

interface FormCandidate {
  form: string;
  name: string;
  /** Read without its leading 区 ("直各有关部门" for 区直各有关部门). */
  qu: boolean;
}

// Per first character, the forms that can match there, in file order (ties go to the earlier form). Built once
// per directory: scanning every form at every character made long plans slow (chars × forms).
const indexes = new WeakMap<UnitDirectory, Map<string, FormCandidate[]>>();

function formIndex(dir: UnitDirectory): Map<string, FormCandidate[]> {
  let idx = indexes.get(dir);
  if (idx) return idx;
  idx = new Map();
  const add = (key: string, c: FormCandidate) => {
    const list = idx?.get(key) ?? [];
    list.push(c);
    idx?.set(key, list);
  };
  for (const [form, name] of dir.forms) {
    if (form) add(form[0], { form, name, qu: false });
    if (form.startsWith('区') && form.length >= 5) add(form[1], { form, name, qu: true });
  }
  indexes.set(dir, idx);
  return idx;
}

function longestFormAt(dir: UnitDirectory, token: string, i: number): { name: string; length: number } | undefined {
  const candidates = formIndex(dir).get(token[i]);
  if (!candidates) return undefined;
  // The same choice as scanning the forms in file order: the longest match, the earlier form on a tie.
  let best: { name: string; length: number } | undefined;
  for (const { form, name, qu } of candidates) {
    if (!qu) {
      if (best && form.length <= best.length) continue;
      if (token.startsWith(form, i)) best = { name, length: form.length };
    } else if (form.length - 1 > (best?.length ?? 0) && token.startsWith(form.slice(1), i)) {
      // The 区 prefix dropped ("直各有关部门" for 区直各有关部门); short forms are too risky to guess.
      best = { name, length: form.length - 1 };
    }
  }
  return best;
}

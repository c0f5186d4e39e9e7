// Plans list units and clauses with separators that also occur inside names ("乡镇(街道)") and
// quotes ("“马上办、网上办”"); splitting must skip those.

const OPEN = new Set([0x28, 0x201c, 0x300a, 0x2018, 0x3014]); // ( “ 《 ‘ 〔
const CLOSE = new Set([0x29, 0x201d, 0x300b, 0x2019, 0x3015]); // ) ” 》 ’ 〕
// Per separator class, a table of which UTF-16 code units are separators (0 unknown, 1 no, 2 yes), filled as
// characters are met: a regex test per character made splitting the slowest part of reading a plan.
// Keyed by the pattern's text: a regex literal at a call site is a new object on every call.
const tables = new Map<string, Uint8Array>();

/** Splits on separators (`sep`: a one-character class) outside (), 〔〕, “”, 《》, so "乡镇(街道)" and quoted lists stay whole. */
export function splitTopLevel(text: string, sep: RegExp): string[] {
  let table = tables.get(sep.source);
  if (table === undefined) {
    table = new Uint8Array(0x10000);
    tables.set(sep.source, table);
  }
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (OPEN.has(code)) depth++;
    else if (depth > 0 && CLOSE.has(code)) depth--;
    else if (depth === 0) {
      let v = table[code];
      if (v === 0) {
        v = sep.test(String.fromCharCode(code)) ? 2 : 1;
        table[code] = v;
      }
      if (v === 2) {
        const part = text.slice(from, i).trim();
        if (part) parts.push(part);
        from = i + 1;
      }
    }
  }
  const last = text.slice(from).trim();
  if (last) parts.push(last);
  return parts;
}

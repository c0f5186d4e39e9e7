// Plans list units and clauses with separators that also occur inside names ("乡镇(街道)") and
// quotes ("“马上办、网上办”"); splitting must skip those.

/** Splits on separators outside (), “”, 《》, so "乡镇(街道)" and quoted lists stay whole. */
export function splitTopLevel(text: string, sep: RegExp): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(' || ch === '“' || ch === '《' || ch === '‘') depth++;
    else if ((ch === ')' || ch === '”' || ch === '》' || ch === '’') && depth > 0) depth--;
    if (depth === 0 && sep.test(ch)) {
      if (cur.trim()) parts.push(cur.trim());
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (cur.trim()) parts.push(cur.trim());
  return parts;
}

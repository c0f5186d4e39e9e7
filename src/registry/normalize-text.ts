// Plans arrive with full-width and half-width punctuation mixed, often in one line. Every reader in
// the registry compares text after this folding, so "（一）" and "(一)", "１．" and "1." read alike.

const NEEDS_FOLDING = /[\uFF01-\uFF5E\u3000\u00A0\r]/;
const FOLD = /[\uFF01-\uFF5E\u3000\u00A0]|\r\n?/g;

/** Full-width ASCII (！..～) to half-width, ideographic space to space. Keeps 、。“” and line breaks. */
export function normalizeWidth(text: string): string {
  // Most strings reaching here (unit names, clauses) were folded already as part of the document.
  if (!NEEDS_FOLDING.test(text)) return text;
  // One pass: a whole plan goes through here, and four chained replaces copied it four times.
  return text.replace(FOLD, (c) => (c === '\u3000' || c === '\u00A0' ? ' ' : c[0] === '\r' ? '\n' : String.fromCharCode(c.charCodeAt(0) - 0xfee0)));
}

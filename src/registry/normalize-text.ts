// Plans arrive with full-width and half-width punctuation mixed, often in one line. Every reader in
// the registry compares text after this folding, so "（一）" and "(一)", "１．" and "1." read alike.

/** Full-width ASCII (！..～) to half-width, ideographic space to space. Keeps 、。“” and line breaks. */
const NEEDS_FOLDING = /[\uFF01-\uFF5E\u3000\u00A0\r]/;

export function normalizeWidth(text: string): string {
  // Most strings reaching here (unit names, clauses) were folded already as part of the document.
  if (!NEEDS_FOLDING.test(text)) return text;
  return text
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ')
    .replace(/\u00A0/g, ' ')
    .replace(/\r\n?/g, '\n');
}

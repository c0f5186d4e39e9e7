// Links in progress words are evidence of kind link (recorded, never fetched). Pure.

// Stops at whitespace and at the CJK punctuation people write right after a link.
const URL_RE = /https?:\/\/[^\s<>"'，。；：！？、（）【】《》“”‘’]+/gi;
const TRAILING = /[.,;:!?)\]}]+$/;

/** The distinct http(s) URLs in the text, in order; trailing sentence punctuation is not part of them. */
export function linksIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(URL_RE)) {
    const url = m[0].replace(TRAILING, '');
    try {
      const u = new URL(url);
      if ((u.protocol === 'http:' || u.protocol === 'https:') && u.hostname && !out.includes(url)) out.push(url);
    } catch {
      // not a URL after all
    }
  }
  return out;
}

// Card JSON 2.0 building blocks and the size guard every card goes through.
import type { Card } from '../gateway.ts';

// Lark rejects cards over 30 KB or 200 elements (lark.md §3.4); we stop well short so headers,
// footers and Lark's own accounting never tip a card over.
export const CARD_BYTE_BUDGET = 24_000;
export const CARD_ELEMENT_BUDGET = 160;

export type Template = 'blue' | 'wathet' | 'turquoise' | 'green' | 'yellow' | 'orange' | 'red' | 'carmine' | 'violet' | 'purple' | 'indigo' | 'grey';
export type Element = Record<string, unknown>;

export const plain = (content: string) => ({ tag: 'plain_text', content });
export const md = (content: string): Element => ({ tag: 'markdown', content });
export const hr = (): Element => ({ tag: 'hr' });

export function makeCard(title: string, template: Template, elements: Element[], subtitle?: string): Card {
  return {
    schema: '2.0',
    config: { update_multi: true },
    header: { title: plain(title), ...(subtitle ? { subtitle: plain(subtitle) } : {}), template },
    body: { elements },
  };
}

export function cardBytes(card: Card): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}

/** Every object with a `tag` counts towards Lark's element limit (plain_text included). */
export function countElements(node: unknown): number {
  if (Array.isArray(node)) return node.reduce((n: number, x) => n + countElements(x), 0);
  if (node && typeof node === 'object') {
    const own = typeof (node as { tag?: unknown }).tag === 'string' ? 1 : 0;
    return own + Object.values(node as Record<string, unknown>).reduce((n: number, x) => n + countElements(x), 0);
  }
  return 0;
}

/**
 * Adds whole blocks (an item is never cut) while the card, with the footer that would follow, stays
 * within budget. footer(shown) says what was left out (null: nothing). Returns how many blocks were shown.
 */
export function fitBlocks(
  build: (elements: Element[]) => Card,
  head: Element[],
  blocks: Element[][],
  footer: (shown: number) => Element[] | null,
): { card: Card; shown: number } {
  const fits = (els: Element[]) => {
    const c = build(els);
    return cardBytes(c) <= CARD_BYTE_BUDGET && countElements(c) <= CARD_ELEMENT_BUDGET;
  };
  const body = [...head];
  let shown = 0;
  for (const block of blocks) {
    const rest = footer(shown + 1) ?? [];
    if (!fits([...body, ...block, ...rest])) break;
    body.push(...block);
    shown++;
  }
  body.push(...(footer(shown) ?? []));
  return { card: build(body), shown };
}

/** Card markdown treats these as syntax; user words are shown as typed (Lark's escape table uses HTML entities). */
export function escapeMd(s: string): string {
  return s.replace(/[*_~`<>\[\]#&]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function unescapeMd(s: string): string {
  return s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
}

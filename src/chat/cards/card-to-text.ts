// Plain-text rendering of our cards, for the local console chat and for tests that read what a user sees.
import type { Card } from '../gateway.ts';
import { unescapeMd } from './common.ts';

type Node = Record<string, unknown>;

const isNode = (x: unknown): x is Node => !!x && typeof x === 'object' && !Array.isArray(x);
const textOf = (x: unknown): string => (isNode(x) && typeof x.content === 'string' ? x.content : '');

function mdToText(s: string): string {
  return unescapeMd(
    s
      .replace(/<at id=([^>]+)><\/at>/g, '@$1')
      .replace(/<\/?font[^>]*>/g, '')
      .replace(/\*\*(.+?)\*\*/g, '$1'),
  );
}

/** A VChart bar spec as lines: "category: series n · series n" (other chart types: the title only). */
function chartLines(spec: unknown): string[] {
  if (!isNode(spec)) return ['[图表]'];
  const title = isNode(spec.title) && typeof spec.title.text === 'string' ? spec.title.text : '';
  const data = Array.isArray(spec.data) ? spec.data[0] : spec.data;
  const values = isNode(data) && Array.isArray(data.values) ? data.values.filter(isNode) : [];
  const [cat, val] = spec.direction === 'horizontal' ? [spec.yField, spec.xField] : [spec.xField, spec.yField];
  const lines = new Map<string, string[]>();
  for (const v of values) {
    const k = String(v[String(cat)] ?? '');
    const part = `${spec.seriesField ? `${String(v[String(spec.seriesField)])} ` : ''}${String(v[String(val)] ?? '')}`;
    lines.set(k, [...(lines.get(k) ?? []), part]);
  }
  return [`[图表${title ? ` ${title}` : ''}]`, ...[...lines].map(([k, parts]) => `  ${k}: ${parts.join(' · ')}`)];
}

function render(el: unknown, out: string[], indent: string): void {
  if (!isNode(el)) return;
  switch (el.tag) {
    case 'markdown':
      for (const line of mdToText(String(el.content ?? '')).split('\n')) out.push(indent + line);
      return;
    case 'div':
      out.push(indent + mdToText(textOf(el.text)));
      return;
    case 'hr':
      out.push(indent + '──────────');
      return;
    case 'button': {
      // A link button shows where it goes (the console has no browser to open).
      const link = Array.isArray(el.behaviors) ? el.behaviors.find((b) => isNode(b) && b.type === 'open_url') : undefined;
      out.push(`${indent}[${textOf(el.text)}]${isNode(link) && typeof link.default_url === 'string' ? ` ${link.default_url}` : ''}`);
      return;
    }
    case 'input':
      out.push(`${indent}[${textOf(el.placeholder) || textOf(el.label) || String(el.name ?? '')}: ____]`);
      return;
    case 'select_static': {
      const opts = Array.isArray(el.options) ? el.options.map((o) => (isNode(o) ? textOf(o.text) : '')).join(' / ') : '';
      out.push(`${indent}[${textOf(el.placeholder)}: ${opts}]`);
      return;
    }
    case 'date_picker':
      out.push(`${indent}[${textOf(el.placeholder) || String(el.name ?? '')}: ____-__-__]`);
      return;
    case 'chart':
      for (const line of chartLines(el.chart_spec)) out.push(indent + line);
      return;
    default:
      // form, column_set, column, collapsible_panel…: render children.
      for (const key of ['elements', 'columns']) {
        const kids = el[key];
        if (Array.isArray(kids)) for (const k of kids) render(k, out, el.tag === 'form' ? indent + '  ' : indent);
      }
  }
}

export function cardToText(card: Card): string {
  const out: string[] = [];
  const header = isNode(card.header) ? card.header : {};
  const title = textOf(header.title);
  const subtitle = textOf(header.subtitle);
  if (title) out.push(`【${title}】${subtitle ? ` ${subtitle}` : ''}`);
  const body = isNode(card.body) ? card.body : {};
  const elements = Array.isArray(body.elements) ? body.elements : Array.isArray(card.elements) ? card.elements : [];
  for (const el of elements) render(el, out, '');
  return out.join('\n');
}

// The page frame and the small pieces every board page uses. ghtml's html`` escapes every ${value};
// only html`` results (already escaped) are inserted raw, with !${…}. Plan text and reports are
// always plain ${…}.
import { html } from 'ghtml';
import { inZone } from '../../clock.ts';
import type { StatusLight } from '../../schedule/status.ts';
import type { Lang, Words } from '../words.ts';

export interface PageContext {
  lang: Lang;
  w: Words;
  tz: string;
  today: string;
  /** Who is looking, as the header says it. */
  viewerLine: string;
  scopeLine: string;
  /** Show a sign-out link (Lark sessions). */
  canLogout: boolean;
  /** The current path and query without lang, for the language switch. */
  here: URL;
}

export const LIGHTS_WORST_FIRST: StatusLight[] = ['red', 'yellow', 'blue', 'on-track', 'done'];

export function instant(d: Date | null | undefined, tz: string): string {
  return d ? inZone(d, tz).format('YYYY-MM-DD HH:mm') : '';
}

export function clip(s: string, n: number): string {
  const chars = [...s];
  return chars.length > n ? chars.slice(0, n - 1).join('') + '…' : s;
}

export function lightBadge(l: StatusLight, w: Words, extra = ''): string {
  return html`<span class="light light-${l}">${w.light[l]}${extra}</span>`;
}

/** The same URL with ?lang= set (keeps every other parameter). */
function withLang(u: URL, lang: Lang): string {
  const c = new URL(u.href);
  c.searchParams.set('lang', lang);
  return c.pathname + c.search;
}

export function page(ctx: PageContext, title: string, body: string): string {
  const { w } = ctx;
  return html`<!doctype html>
<html lang="${w.htmlLang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${w.title}</title>
<link rel="stylesheet" href="/board/assets/board.css">
<script src="/board/assets/board.js" defer></script>
</head>
<body>
<header class="top">
  <a class="brand" href="/board!${ctx.lang === 'en' ? '?lang=en' : ''}">${w.title}</a>
  <span class="asof">${w.asOf(ctx.today)}</span>
  !${ctx.viewerLine ? html`<span class="who">${ctx.viewerLine} · ${ctx.scopeLine}</span>` : ''}
  <span class="langs"><a href="${withLang(ctx.here, 'zh')}"!${ctx.lang === 'zh' ? ' aria-current="true"' : ''}>中文</a> <a href="${withLang(ctx.here, 'en')}"!${ctx.lang === 'en' ? ' aria-current="true"' : ''}>EN</a></span>
  !${ctx.canLogout ? html`<a class="logout" href="/board/logout">${w.logout}</a>` : ''}
</header>
<main>
!${body}
</main>
</body>
</html>
`;
}

/** A page with one message (403, 404, invalid session), optionally with a sign-in link. */
export function messagePage(ctx: Omit<PageContext, 'viewerLine' | 'scopeLine'> & Partial<PageContext>, title: string, text: string, loginHref?: string): string {
  return page(
    { viewerLine: '', scopeLine: '', ...ctx },
    title,
    html`<section class="message"><h1>${title}</h1><p>${text}</p>!${loginHref ? html`<p><a class="button" href="${loginHref}">${ctx.w.login}</a></p>` : ''}</section>`,
  );
}

// The board's HTTP routes under /board, as one request handler that the process's HTTP server (the
// Lark receiver's, or the console's) offers every request first. It answers only paths under /board.
//   GET /board                  the board (filters in the query string)
//   GET /board/task/N           one task          GET /board/unit/NAME   one unit
//   GET /board/export.xlsx|csv  the ledger with the current filters
//   GET /board/api/board|task/N|unit/NAME   the same data as JSON
//   GET /board/login, /board/auth/callback, /board/logout   Lark's OAuth code flow (Lark mode)
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { dayOf, type Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { Db } from '../store/db.ts';
import { createRegistryRepo } from '../store/registry-repo.ts';
import { createReminderRepo } from '../store/reminder-repo.ts';
import { matchUnit } from '../store/unit-repo.ts';
import type { ReminderPolicy } from '../schedule/policy.ts';
import type { WorkCalendar } from '../schedule/calendar.ts';
import type { SupervisionDeps } from '../supervision/load-supervision.ts';
import { scopeOf } from './access.ts';
import { createBoardData, type BoardData } from './board-data.ts';
import { boardView } from './board-rows.ts';
import { exportBoardLedger } from './export.ts';
import { parseFilter } from './filters.ts';
import type { LarkLogin } from './lark-login.ts';
import { WHOLE_PLAN, seesUnit, type Scope } from './scope.ts';
import { SESSION_COOKIE, STATE_COOKIE, STATE_TTL_SECONDS, cookie, readCookies, signSession, signState, verifySession, verifyState } from './session.ts';
import { taskDetail } from './task-detail.ts';
import { unitDetail } from './unit-detail.ts';
import { WORDS, pickLang, type Lang, type Words } from './words.ts';
import { boardPage } from './views/board-page.ts';
import { taskPage, unitPage } from './views/detail-pages.ts';
import { messagePage, type PageContext } from './views/layout.ts';
import { PROJECT_ROOT } from '../paths.ts';

export type BoardAuth =
  /** The console: the board on loopback, no login, the whole plan. */
  | { mode: 'local' }
  | {
      mode: 'lark';
      login: LarkLogin;
      /** Bound group chats a person is in (the office's and units' groups decide who sees what). */
      groupsOf?: (openId: string) => Promise<string[]>;
      admins: readonly string[];
      /** Public base URL of the board (the OAuth redirect goes to ${publicUrl}/board/auth/callback). */
      publicUrl: string;
      sessionSecret: string;
      sessionHours: number;
    };

export interface BoardDeps {
  db: Db;
  policy: ReminderPolicy;
  calendar: WorkCalendar;
  tz: string;
  officeUnit: string;
  clock: Clock;
  logger: Logger;
  auth: BoardAuth;
}

/** true when the request was the board's (it is then answered, possibly later); false: not ours. */
export type BoardHandler = (req: http.IncomingMessage, res: http.ServerResponse) => boolean;

export interface Board extends BoardHandler {
  /**
   * Computes the lights ahead of the first viewer (at start, and on each scheduler tick: a new day or
   * an import makes the next render compute every task's lights, seconds for 10,000 tasks).
   */
  warm(): Promise<void>;
}

// From the project root, so the compiled bot (dist/) serves the same files.
const ASSETS_DIR = path.join(PROJECT_ROOT, 'src', 'board', 'assets');
const ASSETS: Record<string, { file: string; type: string }> = {
  '/board/assets/board.css': { file: 'board.css', type: 'text/css; charset=utf-8' },
  '/board/assets/board.js': { file: 'board.js', type: 'text/javascript; charset=utf-8' },
};

// Pages carry other units' data: never cached, never framed by other sites' scripts, no inline code.
const PAGE_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'content-security-policy': "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'",
};

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly title: (w: Words) => string,
    readonly text: (w: Words) => string,
  ) {
    super(`HTTP ${status}`);
  }
}

interface Viewer {
  scope: Scope;
  line: (w: Words) => string;
  canLogout: boolean;
}

export function createBoardHandler(deps: BoardDeps): Board {
  const log = deps.logger.child({ component: 'board' });
  const supervision: SupervisionDeps = { db: deps.db, policy: deps.policy, calendar: deps.calendar, tz: deps.tz, officeUnit: deps.officeUnit };
  const assets = new Map(Object.entries(ASSETS).map(([p, a]) => [p, { body: fs.readFileSync(path.join(ASSETS_DIR, a.file)), type: a.type }]));
  const secure = deps.auth.mode === 'lark' && deps.auth.publicUrl.startsWith('https:');

  function send(res: http.ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}) {
    if (res.headersSent) return;
    const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    res.writeHead(status, { 'content-type': type, 'content-length': String(buf.length), ...PAGE_HEADERS, ...headers });
    res.end(res.req.method === 'HEAD' ? undefined : buf);
  }
  const sendHtml = (res: http.ServerResponse, status: number, body: string, headers?: Record<string, string>) => send(res, status, 'text/html; charset=utf-8', body, headers);
  const sendJson = (res: http.ServerResponse, status: number, body: unknown, headers?: Record<string, string>) =>
    send(res, status, 'application/json; charset=utf-8', JSON.stringify(body), headers);
  const redirect = (res: http.ServerResponse, location: string, headers: Record<string, string | string[]> = {}) => {
    res.writeHead(302, { location, 'cache-control': 'no-store', ...headers });
    res.end();
  };

  /** Who is looking; null when the response (redirect to login, 401, 403) has been sent. */
  async function identify(req: http.IncomingMessage, res: http.ServerResponse, url: URL, lang: Lang, api: boolean): Promise<Viewer | null> {
    const w = WORDS[lang];
    const auth = deps.auth;
    if (auth.mode === 'local') {
      // No login on the console: only for pages asked for on this machine (and not by a page some other site rebinds to it).
      if (!LOOPBACK_HOSTS.has(hostOf(req))) throw new HttpFailure(403, (x) => x.forbiddenTitle, (x) => x.forbidden(deps.officeUnit));
      return { scope: WHOLE_PLAN, line: (x) => x.viewerLocal, canLogout: false };
    }
    const now = deps.clock.now();
    const token = readCookies(req.headers.cookie).get(SESSION_COOKIE);
    const checked = token ? verifySession(token, auth.sessionSecret, now) : null;
    if (!checked || (!checked.ok && checked.reason === 'expired')) {
      const next = url.pathname + url.search;
      if (api) sendJson(res, 401, { error: 'not signed in', login: `/board/login?next=${encodeURIComponent(next)}` });
      else redirect(res, `/board/login?next=${encodeURIComponent(next)}`);
      return null;
    }
    if (!checked.ok) {
      log.warn('board refused a session cookie', { reason: checked.reason, path: url.pathname });
      const clear = cookie(SESSION_COOKIE, '', { maxAgeSeconds: 0, secure });
      if (api) sendJson(res, 401, { error: 'invalid session' }, { 'set-cookie': clear });
      else sendHtml(res, 401, messagePage(baseCtx(lang, url), w.badSessionTitle, w.badSession, loginHref(url)), { 'set-cookie': clear });
      return null;
    }
    const who = checked.value;
    const scope = await scopeOf({ db: deps.db, admins: auth.admins, officeUnit: deps.officeUnit, groupsOf: auth.groupsOf }, who.sub);
    if (!scope) {
      log.info('board refused a viewer with no unit', { openId: who.sub });
      throw new HttpFailure(403, (x) => x.forbiddenTitle, (x) => x.forbidden(deps.officeUnit));
    }
    return { scope, line: (x) => x.viewer(who.name), canLogout: true };
  }

  function loginHref(url: URL): string {
    const next = url.pathname.startsWith('/board/auth') || url.pathname === '/board/login' ? '/board' : url.pathname + url.search;
    return `/board/login?next=${encodeURIComponent(next)}`;
  }

  function baseCtx(lang: Lang, url: URL): PageContext {
    const here = new URL(url.href);
    here.searchParams.delete('lang');
    return { lang, w: WORDS[lang], tz: deps.tz, today: dayOf(deps.clock.now(), deps.tz), viewerLine: '', scopeLine: '', canLogout: false, here };
  }

  function pageCtx(lang: Lang, url: URL, viewer: Viewer): PageContext {
    const w = WORDS[lang];
    const s = viewer.scope;
    return {
      ...baseCtx(lang, url),
      viewerLine: viewer.line(w),
      scopeLine: s.kind === 'all' ? w.scopeAll : w.scopeUnits([...s.units].join('、')),
      canLogout: viewer.canLogout,
    };
  }

  const boardData = createBoardData(supervision);
  async function load(): Promise<{ data: BoardData; now: Date; today: string; officeName: string }> {
    const now = deps.clock.now();
    const data = await boardData.load(now);
    return { data, now, today: data.today, officeName: data.officeName };
  }

  // ---- the OAuth code flow --------------------------------------------------------------------

  function safeNext(raw: string | null): string {
    // Only our own pages: no scheme, no host, no protocol-relative //evil.example.
    return raw && /^\/board(?:[/?#]|$)/.test(raw) && !raw.startsWith('//') ? raw : '/board';
  }

  async function handleAuth(req: http.IncomingMessage, res: http.ServerResponse, url: URL, lang: Lang): Promise<void> {
    const auth = deps.auth;
    if (auth.mode === 'local') return redirect(res, '/board');
    const w = WORDS[lang];
    const redirectUri = `${auth.publicUrl}/board/auth/callback`;
    const now = deps.clock.now();
    if (url.pathname === '/board/login') {
      const { token, nonce } = signState(safeNext(url.searchParams.get('next')), auth.sessionSecret, now);
      return redirect(res, auth.login.authorizeUrl(token, redirectUri), { 'set-cookie': cookie(STATE_COOKIE, nonce, { maxAgeSeconds: STATE_TTL_SECONDS, secure }) });
    }
    if (url.pathname === '/board/logout') {
      return redirect(res, '/board/login', { 'set-cookie': cookie(SESSION_COOKIE, '', { maxAgeSeconds: 0, secure }) });
    }
    // /board/auth/callback?code=…&state=…
    const fail = (why: string) => sendHtml(res, 400, messagePage(baseCtx(lang, url), w.loginFailedTitle, w.loginFailed(why), '/board/login'));
    const state = verifyState(url.searchParams.get('state') ?? '', auth.sessionSecret, now);
    const nonce = readCookies(req.headers.cookie).get(STATE_COOKIE);
    // The state must be ours, fresh, and started in this browser (else a stranger's code could log us in as them).
    if (!state.ok || !nonce || nonce !== state.value.nonce) {
      log.warn('board login with a bad state', { reason: state.ok ? 'nonce mismatch' : state.reason });
      return fail(w.loginStale);
    }
    const code = url.searchParams.get('code');
    if (!code) return fail(url.searchParams.get('error') ?? 'no code');
    let viewer;
    try {
      viewer = await auth.login.exchange(code, redirectUri);
    } catch (e) {
      return fail((e as Error).message);
    }
    log.info('board login', { openId: viewer.openId });
    redirect(res, safeNext(state.value.next), {
      'set-cookie': [
        cookie(SESSION_COOKIE, signSession(viewer, auth.sessionSecret, now, auth.sessionHours), { maxAgeSeconds: Math.round(auth.sessionHours * 3600), secure }),
        cookie(STATE_COOKIE, '', { maxAgeSeconds: 0, secure }),
      ],
    });
  }

  // ---- pages and API ----------------------------------------------------------------------------

  async function route(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const lang = pickLang(url.searchParams.get('lang'), header(req, 'accept-language'));
    const w = WORDS[lang];
    const p = url.pathname;
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'method not allowed' }, { allow: 'GET, HEAD' });
      const asset = assets.get(p);
      if (asset) return send(res, 200, asset.type, asset.body, { 'cache-control': 'public, max-age=3600' });
      if (p === '/board/') return redirect(res, `/board${url.search}`);
      if (p === '/board/login' || p === '/board/logout' || p === '/board/auth/callback') return await handleAuth(req, res, url, lang);

      const api = p.startsWith('/board/api/');
      const sub = api ? p.slice('/board/api'.length) : p.slice('/board'.length);
      const viewer = await identify(req, res, url, lang, api || p.startsWith('/board/export.'));
      if (!viewer) return;

      if (sub === (api ? '/board' : '')) {
        const { filter, ignored } = parseFilter(url.searchParams);
        const { data, today, officeName } = await load();
        const view = boardView({ ...data, today, officeName }, viewer.scope, filter);
        if (api) return sendJson(res, 200, { ...view, filter, ignored });
        return sendHtml(res, 200, boardPage(view, filter, ignored, pageCtx(lang, url, viewer)));
      }
      let m = /^\/task\/([^/]+)$/.exec(sub);
      if (m) {
        const raw = safeDecode(m[1]);
        const n = /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
        const task = Number.isNaN(n) ? null : await createRegistryRepo(deps.db).getTask(n);
        if (!task || task.retired) throw new HttpFailure(404, (x) => x.notFoundTitle, (x) => x.noTask(raw));
        const [{ data, today, officeName }, reminders] = await Promise.all([load(), createReminderRepo(deps.db).ofTask(n)]);
        const detail = taskDetail(
          { task, status: data.statuses.find((s) => s.taskNumber === n), units: data.units, progress: data.progress, reminders, today, officeName },
          viewer.scope,
        );
        if (!detail) throw new HttpFailure(403, (x) => x.forbiddenTitle, (x) => x.forbiddenOther);
        if (api) return sendJson(res, 200, detail);
        return sendHtml(res, 200, taskPage(detail, pageCtx(lang, url, viewer)));
      }
      m = /^\/unit\/([^/]+)$/.exec(sub);
      if (m) {
        const raw = safeDecode(m[1]);
        const { data, now, today, officeName } = await load();
        const found = matchUnit(data.units, raw);
        if (found.kind !== 'found') throw new HttpFailure(404, (x) => x.notFoundTitle, (x) => x.noUnit(raw));
        if (!seesUnit(viewer.scope, found.unit.name)) throw new HttpFailure(403, (x) => x.forbiddenTitle, (x) => x.forbiddenOther);
        const detail = unitDetail({ ...data, today, officeName, now }, found.unit);
        if (api) return sendJson(res, 200, detail);
        return sendHtml(res, 200, unitPage(detail, pageCtx(lang, url, viewer)));
      }
      m = /^\/export\.(xlsx|csv)$/.exec(sub);
      if (m && !api) {
        const { filter } = parseFilter(url.searchParams);
        const { data, now, officeName } = await load();
        const file = await exportBoardLedger(supervision, data, { scope: viewer.scope, filter, format: m[1] as 'xlsx' | 'csv', now, officeName });
        return send(res, 200, file.contentType, file.data, { 'content-disposition': contentDisposition(file.fileName) });
      }
      throw new HttpFailure(404, (x) => x.notFoundTitle, (x) => x.notFoundPath);
    } catch (e) {
      if (res.headersSent) return;
      if (e instanceof HttpFailure) {
        if (p.startsWith('/board/api/')) return sendJson(res, e.status, { error: e.text(w) });
        return sendHtml(res, e.status, messagePage(baseCtx(lang, url), e.title(w), e.text(w)));
      }
      log.error('board request failed', { path: p, err: e as Error });
      return sendJson(res, 500, { error: 'internal error' });
    }
  }

  const handle: BoardHandler = (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/board' && !url.pathname.startsWith('/board/')) return false;
    void route(req, res, url);
    return true;
  };
  return Object.assign(handle, {
    async warm() {
      await load().catch((e: unknown) => log.warn('board warm-up failed', { err: e as Error }));
    },
  });
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Host header without the port ("[::1]:3000" → "[::1]"). */
function hostOf(req: http.IncomingMessage): string {
  const h = (header(req, 'host') ?? '').toLowerCase();
  return h.startsWith('[') ? h.slice(0, h.indexOf(']') + 1) : h.split(':')[0];
}

/** RFC 6266: an ASCII fallback plus the UTF-8 name (Chinese file names). */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

// "Log in with Lark" for the board (the OAuth code flow of a Lark web app), through the official SDK:
// the authorize page on Lark's accounts host, then client.accessToken (POST {accounts}/oauth/v3/token)
// for the user_access_token and client.authen.v1.userInfo for the viewer's open_id. Inside the Lark
// client the authorize page returns at once, so opening the board from a card needs no click.
import { AppError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { larkDomain, sdkLogger, toLarkApiError, type LarkCredentials } from '../chat/lark-gateway.ts';
import { lark } from '../chat/lark-sdk.ts';

export interface LarkViewer {
  openId: string;
  name: string;
}

export interface LarkLogin {
  /** Lark's authorize page, returning to redirectUri with ?code=…&state=…. */
  authorizeUrl(state: string, redirectUri: string): string;
  /** The code from the redirect → who is looking (the token itself is not kept). */
  exchange(code: string, redirectUri: string): Promise<LarkViewer>;
}

/** Lark's accounts host for a LARK_DOMAIN: the official hosts' pair, else the base URL itself (a private deployment, the tests' fake). */
export function oauthBaseOf(domain: string): string {
  if (domain === 'feishu') return 'https://accounts.feishu.cn';
  if (domain === 'lark') return 'https://accounts.larksuite.com';
  return domain.replace(/\/+$/, '');
}

export function createLarkLogin(creds: LarkCredentials, logger: Logger): LarkLogin {
  const oauthBaseUrl = oauthBaseOf(creds.domain);
  const log = logger.child({ component: 'board-login' });
  const client = new lark.Client({
    appId: creds.appId,
    appSecret: creds.appSecret,
    domain: larkDomain(creds.domain),
    oauthBaseUrl,
    // The tenant token is never needed here, but keep this client's cache apart from the gateway's.
    cache: new lark.DefaultCache(),
    loggerLevel: lark.LoggerLevel.fatal,
    logger: sdkLogger(log),
  });

  return {
    authorizeUrl(state, redirectUri) {
      const u = new URL(`${oauthBaseUrl}/open-apis/authen/v1/authorize`);
      u.searchParams.set('client_id', creds.appId);
      u.searchParams.set('redirect_uri', redirectUri);
      u.searchParams.set('response_type', 'code');
      u.searchParams.set('state', state);
      return u.toString();
    },

    async exchange(code, redirectUri) {
      let accessToken: string;
      try {
        ({ accessToken } = await client.accessToken.retrieveByAuthorizationCode({ code, redirectUri }));
      } catch (e) {
        // AccessTokenError carries the platform's code and description (e.g. 20050 code expired or used).
        const err = e as { code?: unknown; statusCode?: unknown; message?: string };
        log.warn('lark refused the login code', { code: err.code, httpStatus: err.statusCode, reason: err.message });
        throw new AppError('lark-login', `Lark did not accept the login code (${String(err.code ?? err.statusCode ?? '?')}: ${err.message ?? 'unknown'})`, {}, { cause: e });
      }
      let res: Awaited<ReturnType<typeof client.authen.v1.userInfo.get>>;
      try {
        res = await client.authen.v1.userInfo.get({}, lark.withUserAccessToken(accessToken));
      } catch (e) {
        const err = toLarkApiError('authen.v1.userInfo.get', e);
        log.warn('lark user_info failed', { code: err.code, logId: err.logId });
        throw new AppError('lark-login', `Lark did not say who logged in: ${err.message}`, {}, { cause: err });
      }
      const openId = res?.data?.open_id;
      if (res?.code !== 0 || typeof openId !== 'string' || !openId) {
        throw new AppError('lark-login', `Lark did not say who logged in (user_info code ${String(res?.code)}: ${res?.msg ?? 'no open_id'})`);
      }
      return { openId, name: res.data?.name || openId };
    },
  };
}

// A tiny browser for the board's HTTP tests: keeps the cookies the board sets, follows redirects
// (through the fake Lark's authorize page too), and says where it ended up.
export interface Page {
  status: number;
  url: string;
  headers: Headers;
  text: string;
}

export function createClient() {
  const jar = new Map<string, string>();
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '') jar.delete(name);
      else jar.set(name, value);
    }
  };
  return {
    jar,
    async get(url: string, opts: { follow?: boolean; headers?: Record<string, string> } = {}): Promise<Page> {
      let current = url;
      for (let hop = 0; hop < 10; hop++) {
        const res = await fetch(current, { redirect: 'manual', headers: { ...(jar.size ? { cookie: cookieHeader() } : {}), ...opts.headers } });
        keep(res);
        const location = res.headers.get('location');
        if (res.status >= 300 && res.status < 400 && location && opts.follow !== false) {
          current = new URL(location, current).toString();
          continue;
        }
        return { status: res.status, url: current, headers: res.headers, text: await res.text() };
      }
      throw new Error(`too many redirects from ${url}`);
    },
    async bytes(url: string): Promise<{ status: number; headers: Headers; data: Buffer }> {
      const res = await fetch(url, { headers: jar.size ? { cookie: cookieHeader() } : {} });
      return { status: res.status, headers: res.headers, data: Buffer.from(await res.arrayBuffer()) };
    },
  };
}

/** data-unit="…" of every board row on a page. */
export function rowUnits(html: string): string[] {
  return [...html.matchAll(/<tr class="row [^"]*" data-task="\d+" data-unit="([^"]*)"/g)].map((m) => m[1]);
}

// `npm run bench` runs every bench in sequence and prints one table; `npm run bench -- registry chat`
// runs the named ones. Figures only: nothing here passes or fails on a timing.
import os from 'node:os';
import { benchBoard } from './board.ts';
import { benchChat } from './chat.ts';
import { benchIdleRss } from './idle-rss.ts';
import { benchRegistry } from './registry.ts';
import { benchReminders } from './reminders.ts';
import { formatTable, type Bench, type BenchRow } from './util.ts';

const BENCHES: Record<string, Bench> = {
  registry: benchRegistry,
  reminders: benchReminders,
  chat: benchChat,
  'idle-rss': benchIdleRss,
  board: benchBoard,
};

async function main(): Promise<void> {
  const asked = process.argv.slice(2).filter((a) => a !== '--');
  const unknown = asked.filter((a) => !(a in BENCHES));
  if (unknown.length) {
    process.stderr.write(`unknown bench ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}\n`);
    process.exitCode = 2;
    return;
  }
  const names = asked.length ? asked : Object.keys(BENCHES);
  process.stdout.write(`duban bench: node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB\n`);
  const rows: BenchRow[] = [];
  const started = performance.now();
  for (const name of names) {
    const t = performance.now();
    process.stderr.write(`… ${name}\n`);
    try {
      rows.push(...(await BENCHES[name]()));
    } catch (e) {
      rows.push({ bench: name, metric: 'error', value: '-', note: (e as Error).stack?.split('\n').slice(0, 3).join(' | ') ?? String(e) });
      process.exitCode = 1;
    }
    rows.push({ bench: name, metric: '(bench wall time)', value: `${((performance.now() - t) / 1000).toFixed(1)} s` });
  }
  process.stdout.write(`${formatTable(rows)}\n`);
  process.stdout.write(`total ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

await main();

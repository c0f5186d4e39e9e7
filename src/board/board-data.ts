// What every board page reads, kept between requests. The lights are statusOf's (schedule/status.ts),
// computed once per day, registry version and unit directory, and then again only for the tasks that
// got a report since: a task's lights depend on its own reports alone. Reports are history (appended,
// never changed): the store reads only the rows added since the last call.
import { dayOf } from '../clock.ts';
import type { ProgressRecord, TaskRecord, UnitRecord } from '../registry/types.ts';
import { unitDirectory } from '../schedule/recipients.ts';
import { statusOf, type TaskStatus } from '../schedule/status.ts';
import { createMetaRepo, META_FIRST_IMPORT, META_REGISTRY_VERSION } from '../store/meta-repo.ts';
import { createExtensionRepo } from '../store/extension-repo.ts';
import { createProgressRepo } from '../store/progress-repo.ts';
import { createRegistryRepo } from '../store/registry-repo.ts';
import { loadSentReminders, type StoredProgress, type SupervisionData, type SupervisionDeps } from '../supervision/load-supervision.ts';
import { officeNameOf } from './access.ts';
import { indexLatest, rowsOfTask, type FullRow } from './board-rows.ts';

export interface BoardData extends SupervisionData {
  today: string;
  officeName: string;
  /** Every task × unit row (office rows left out), in plan order. */
  rows: FullRow[];
}

interface Memo {
  key: string;
  known: Set<number>;
  statuses: Map<number, TaskStatus>;
  rows: Map<number, FullRow[]>;
}

export function createBoardData(deps: SupervisionDeps) {
  let memo: Memo | null = null;
  let running: Promise<unknown> = Promise.resolve();

  /** The reports: the store keeps them between calls and reads only the rows added since (progress-repo). */
  const readProgress = (): Promise<StoredProgress[]> => createProgressRepo(deps.db).list();

  async function build(now: Date): Promise<BoardData> {
    const registry = createRegistryRepo(deps.db);
    const meta = createMetaRepo(deps.db);
    const [tasks, units, all, firstImport, version, sent, extensions] = await Promise.all([
      registry.listTasks(),
      registry.listUnits(),
      readProgress(),
      meta.get(META_FIRST_IMPORT),
      meta.get(META_REGISTRY_VERSION),
      loadSentReminders(deps.db, now),
      createExtensionRepo(deps.db).list(),
    ]);
    const today = dayOf(now, deps.tz);
    const trackFrom = firstImport && !Number.isNaN(Date.parse(firstImport)) ? dayOf(new Date(firstImport), deps.tz) : undefined;
    const officeName = officeNameOf(units, deps.officeUnit);
    // Reports stamped after `now` (a test stepping back, a clock skew) are not known yet.
    const known = all.filter((p) => p.at <= now);
    // An approved extension moves a deadline: the lights are drawn again.
    const key = JSON.stringify([today, version ?? `unversioned:${tasks.length}`, trackFrom, officeName, units, extensions.filter((e) => e.status === 'approved').map((e) => e.id)]);
    const dir = unitDirectory(units);
    const lights = (some: TaskRecord[], reports: ProgressRecord[]) =>
      statusOf({ tasks: some, progress: reports, policy: deps.policy, calendar: deps.calendar, now, tz: deps.tz, units, trackFrom, extensions });
    const byNumber = new Map(tasks.map((t) => [t.number, t]));
    const put = (m: Memo, statuses: TaskStatus[], reports: ProgressRecord[]) => {
      const latest = indexLatest(reports);
      for (const ts of statuses) {
        m.statuses.set(ts.taskNumber, ts);
        m.rows.set(ts.taskNumber, rowsOfTask(byNumber.get(ts.taskNumber)!, ts, dir, latest, today, officeName));
      }
    };

    if (!memo || memo.key !== key) {
      memo = { key, known: new Set(known.map((p) => p.id)), statuses: new Map(), rows: new Map() };
      put(memo, lights(tasks, known), known);
    } else {
      const changed = new Set<number>();
      const nowKnown = new Set<number>();
      for (const p of all) {
        const isKnown = p.at <= now;
        if (isKnown) nowKnown.add(p.id);
        if (isKnown !== memo.known.has(p.id)) changed.add(p.taskNumber);
      }
      memo.known = nowKnown;
      if (changed.size) {
        const reports = known.filter((p) => changed.has(p.taskNumber));
        put(memo, lights(tasks.filter((t) => changed.has(t.number)), reports), reports);
      }
    }
    const statuses: TaskStatus[] = [];
    const rows: FullRow[] = [];
    for (const t of tasks) {
      const ts = memo.statuses.get(t.number);
      if (!ts) continue;
      statuses.push(ts);
      rows.push(...memo.rows.get(t.number)!);
    }
    return { tasks, units: units as UnitRecord[], progress: known, statuses, sent, trackFrom, extensions, today, officeName, rows };
  }

  return {
    /** The board's data at `now`; one build at a time (a second request waits for the first and reuses its work). */
    load(now: Date): Promise<BoardData> {
      const next = running.then(() => build(now));
      running = next.catch(() => undefined);
      return next;
    },
  };
}

// evidence list [--task N] [--unit U] [--json] | evidence get ID --out FILE
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { z } from 'zod';
import type { CliContext } from '../context.ts';
import { boolFlag, readFlags, type ParsedArgs } from '../args.ts';
import { AppError } from '../../errors.ts';
import { inZone } from '../../clock.ts';
import { createEvidenceRepo, type EvidenceRecord } from '../../store/evidence-repo.ts';
import { createUnitRepo, matchUnit } from '../../store/unit-repo.ts';
import { createRegistryRepo } from '../../store/registry-repo.ts';
import { createFileStore } from '../../evidence/file-store.ts';
import { formatSize } from '../../evidence/rules.ts';

export const EVIDENCE_USAGE = ['evidence list [--task N] [--unit NAME] [--json]', 'evidence get ID --out FILE   the stored file, byte for byte (sha256 checked)'];

const Id = z.coerce.number({ message: 'expected a task number such as 68' }).int().positive('expected a task number such as 68');

/** One line of `evidence list` (and of `registry show`). */
export function evidenceLine(e: EvidenceRecord, tz: string): string {
  const what = e.kind === 'link' ? (e.url ?? e.name) : `${e.name}  ${formatSize(e.size ?? 0)}  sha256 ${e.sha256}`;
  return `#${e.id}  任务 ${e.taskNumber}  ${e.unitName}  ${e.kind}  ${what}  — ${e.reporterName ?? e.reporterId} ${inZone(e.at, tz).format('YYYY-MM-DD HH:mm')}`;
}

export async function evidenceCommand(ctx: CliContext, args: ParsedArgs): Promise<number> {
  const [, sub, ...rest] = args.positionals;
  switch (sub) {
    case 'list': {
      if (rest.length) throw new AppError('usage', `evidence list: unexpected "${rest.join(' ')}" (usage: ${EVIDENCE_USAGE[0]})`);
      const f = readFlags('evidence list', args.flags, { task: Id.optional(), unit: z.string().min(1).optional(), json: boolFlag });
      const db = await ctx.db();
      let unitName: string | undefined;
      if (f.unit) {
        const m = matchUnit(await createUnitRepo(db).list(), f.unit);
        if (m.kind === 'none') throw new AppError('unknown-unit', `evidence list: no unit matches "${f.unit}" (see: units list)`);
        if (m.kind === 'ambiguous') throw new AppError('ambiguous-unit', `evidence list: "${f.unit}" matches ${m.candidates.join('、')}: say which`);
        unitName = m.unit.name;
      }
      if (f.task !== undefined && !(await createRegistryRepo(db).getTask(f.task))) {
        throw new AppError('unknown-task', `evidence list: there is no task ${f.task} (the registry has ${await createRegistryRepo(db).countTasks()} tasks)`);
      }
      const rows = await createEvidenceRepo(db).list({ taskNumber: f.task, unitName });
      if (f.json) {
        ctx.io.out(JSON.stringify(rows, null, 2));
        return 0;
      }
      if (rows.length === 0) ctx.io.out(`no evidence${f.task ? ` for task ${f.task}` : ''}${unitName ? ` from ${unitName}` : ''}`);
      for (const e of rows) ctx.io.out(evidenceLine(e, ctx.config.tz));
      return 0;
    }
    case 'get': {
      const f = readFlags('evidence get', args.flags, { out: z.string({ message: 'expected a file name, e.g. --out 报告.pdf' }).min(1) });
      if (rest.length !== 1) throw new AppError('usage', `evidence get: expected one evidence ID (see: evidence list), e.g. "evidence get 3 --out 报告.pdf"`);
      const id = Number(rest[0]);
      if (!Number.isInteger(id) || id <= 0) throw new AppError('usage', `evidence get: "${rest[0]}" is not an evidence ID (a whole number from evidence list)`);
      const e = await createEvidenceRepo(await ctx.db()).get(id);
      if (!e) throw new AppError('unknown-evidence', `evidence get: there is no evidence ${id} (see: evidence list)`);
      if (e.kind === 'link' || !e.storagePath || !e.sha256) throw new AppError('evidence-link', `evidence get: evidence ${id} is a link (${e.url ?? e.name}): nothing to download`);
      const dir = path.dirname(path.resolve(f.out));
      if (!fs.existsSync(dir)) throw new AppError('io', `evidence get: directory ${dir} does not exist`);
      const source = createFileStore(ctx.config.evidence.dir).pathOf(e.storagePath);
      if (!fs.existsSync(source)) throw new AppError('evidence-missing', `evidence get: the file of evidence ${id} (${e.name}) is missing from ${ctx.config.evidence.dir} (expected ${e.storagePath})`);
      // Written beside the target and renamed: a damaged file never appears under --out.
      const part = `${f.out}.part`;
      const hash = crypto.createHash('sha256');
      await pipeline(
        fs.createReadStream(source),
        new Transform({ transform: (chunk: Buffer, _e, done) => (hash.update(chunk), done(null, chunk)) }),
        fs.createWriteStream(part),
      );
      const got = hash.digest('hex');
      if (got !== e.sha256) {
        fs.rmSync(part, { force: true });
        throw new AppError('evidence-damaged', `evidence get: the stored file of evidence ${id} (${e.name}) does not match its sha256 (recorded ${e.sha256}, found ${got}): not written`);
      }
      fs.renameSync(part, f.out);
      ctx.io.out(`${f.out}: evidence ${id} ${e.name} (${e.size} bytes, sha256 ${e.sha256}) — task ${e.taskNumber} · ${e.unitName}`);
      return 0;
    }
    default:
      throw new AppError('usage', `evidence: expected list or get${sub ? `, got "${sub}"` : ''}`);
  }
}

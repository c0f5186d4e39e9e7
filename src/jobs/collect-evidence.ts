// Evidence for one (task, unit) from one message: each image/file is fetched from Lark (message-resource
// API), checked against the allow-list and the size limit while it streams, put in place under its
// sha256, and only then recorded (with its audit line); each link is recorded as it is. Refusals are
// outcomes the chat answers with; a failed download throws, so the inbound retry takes the message up
// again (a resource this message already stored is not fetched twice).
import type { Db } from '../store/db.ts';
import type { Logger } from '../log.ts';
import type { LarkGateway } from '../chat/gateway.ts';
import { AppError, LarkApiError } from '../errors.ts';
import type { Attachment } from '../evidence/attachment.ts';
import { decideType, refusedByName } from '../evidence/rules.ts';
import { createFileStore, TooLargeError, type FileStore } from '../evidence/file-store.ts';
import { createEvidenceRepo } from '../store/evidence-repo.ts';
import type { EvidenceCollector, EvidenceOutcome, EvidenceRequest } from '../evidence/outcome.ts';

export type { EvidenceOutcome, EvidenceRequest } from '../evidence/outcome.ts';

export interface EvidenceDeps {
  db: Db;
  store: FileStore;
  maxBytes: number;
  /** Absent where nothing can be downloaded (the console): files are then answered as unavailable. */
  download?: LarkGateway['downloadResource'];
  logger: Logger;
}

/**
 * The app's collector over DUBAN_EVIDENCE_DIR. Parts of downloads a killed process left behind are
 * never read; they are swept here, at start.
 */
export function createEvidenceCollector(deps: Omit<EvidenceDeps, 'store'> & { dir: string }): EvidenceCollector {
  const store = createFileStore(deps.dir);
  const swept = store.sweepParts();
  if (swept) deps.logger.info('stale evidence downloads removed', { component: 'evidence', dir: store.dir, count: swept });
  return (req) => collectEvidence({ ...deps, store }, req);
}

/** Raised inside the type check of the first bytes: the file is not on the allow-list. */
class TypeRefusal extends Error {
  constructor(readonly ext: string | null) {
    super(`type not allowed: ${ext ?? 'unknown'}`);
  }
}

// A 4xx from Lark (the resource is gone, not in this message, too large for Lark) will not change on a
// retry: the chat is told. Rate limits and 5xx/network errors are retried by the inbound pipeline.
const isPermanent = (e: unknown): e is LarkApiError =>
  e instanceof LarkApiError && e.httpStatus !== undefined && e.httpStatus >= 400 && e.httpStatus < 500 && e.httpStatus !== 429;

export async function collectEvidence(deps: EvidenceDeps, req: EvidenceRequest): Promise<EvidenceOutcome[]> {
  const repo = createEvidenceRepo(deps.db);
  const ctx = { task: req.taskNumber, unit: req.unitName, chat: req.chatId, messageId: req.messageId };
  const log = deps.logger.child({ component: 'evidence', ...ctx });
  const out: EvidenceOutcome[] = [];

  for (const a of req.attachments) {
    const again = await repo.ofMessage(req.messageId, { fileKey: a.key });
    if (again) {
      out.push({ kind: 'stored', record: again });
      continue;
    }
    const named = refusedByName(a.name);
    if (named) {
      out.push({ kind: 'type', name: a.name ?? null, attachment: a, ext: named });
      continue;
    }
    if (!deps.download) {
      out.push({ kind: 'unavailable', name: a.name ?? null, attachment: a, code: null });
      continue;
    }
    const fail = (e: unknown, what: string) =>
      new AppError('evidence-download', `evidence ${what} failed for task ${req.taskNumber} / ${req.unitName}, message ${req.messageId}, key ${a.key}: ${(e as Error).message}`, { ...ctx, key: a.key }, { cause: e });

    let res;
    try {
      res = await deps.download(req.messageId, a.key, a.kind);
    } catch (e) {
      if (isPermanent(e)) {
        log.warn('lark refused the resource', { key: a.key, code: e.code, logId: e.logId });
        out.push({ kind: 'unavailable', name: a.name ?? null, attachment: a, code: e.code });
        continue;
      }
      throw fail(e, 'download');
    }
    const name = a.name ?? res.fileName;
    if (res.contentLength !== undefined && res.contentLength > deps.maxBytes) {
      res.stream.destroy();
      out.push({ kind: 'too-large', name: name ?? null, attachment: a, size: res.contentLength, limitBytes: deps.maxBytes });
      continue;
    }
    // Images are typed by what Lark says (or their first bytes); files by their name first.
    const byName = a.kind === 'file' && name ? decideType({ name }) : null;
    if (byName && !byName.ok) {
      res.stream.destroy();
      out.push({ kind: 'type', name: name ?? null, attachment: a, ext: byName.ext });
      continue;
    }
    let contentType = byName?.ok ? byName.contentType : '';
    let saved;
    try {
      saved = await deps.store.save(res.stream, {
        maxBytes: deps.maxBytes,
        expectedBytes: res.contentLength,
        ext: (head) => {
          if (byName?.ok) return byName.ext;
          const d = decideType({ contentType: res.contentType, head });
          if (!d.ok) throw new TypeRefusal(d.ext);
          contentType = d.contentType;
          return d.ext;
        },
      });
    } catch (e) {
      if (e instanceof TooLargeError) {
        out.push({ kind: 'too-large', name: name ?? null, attachment: a, size: null, limitBytes: deps.maxBytes });
        continue;
      }
      if (e instanceof TypeRefusal) {
        out.push({ kind: 'type', name: name ?? null, attachment: a, ext: e.ext });
        continue;
      }
      throw fail(e, 'download');
    }
    const fileName = name ?? `图片-${a.key.slice(-8)}.${saved.storagePath.split('.').pop()}`;
    const r = await repo.add({
      taskNumber: req.taskNumber,
      unitName: req.unitName,
      kind: a.kind,
      name: fileName,
      size: saved.size,
      contentType,
      sha256: saved.sha256,
      storagePath: saved.storagePath,
      reporterId: req.reporterId,
      reporterName: req.reporterName ?? null,
      chatId: req.chatId,
      messageId: req.messageId,
      fileKey: a.key,
      at: req.at,
      source: req.source,
    });
    log.info(r.outcome === 'created' ? 'evidence stored' : 'evidence already on record', { evidenceId: r.record.id, sha256: saved.sha256, size: saved.size });
    out.push({ kind: r.outcome === 'created' ? 'stored' : 'duplicate', record: r.record });
  }

  for (const url of req.links) {
    const again = await repo.ofMessage(req.messageId, { url });
    if (again) {
      out.push({ kind: 'stored', record: again });
      continue;
    }
    const r = await repo.add({
      taskNumber: req.taskNumber,
      unitName: req.unitName,
      kind: 'link',
      name: url,
      url,
      reporterId: req.reporterId,
      reporterName: req.reporterName ?? null,
      chatId: req.chatId,
      messageId: req.messageId,
      at: req.at,
      source: req.source,
    });
    log.info(r.outcome === 'created' ? 'evidence link recorded' : 'evidence link already on record', { evidenceId: r.record.id });
    out.push({ kind: r.outcome === 'created' ? 'stored' : 'duplicate', record: r.record });
  }
  return out;
}

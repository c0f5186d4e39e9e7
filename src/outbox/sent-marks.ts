// Recording sends: a send that finishes while earlier ones are being recorded waits and goes in the
// next statement with every other that finished meanwhile. Idle, each send is recorded alone and at
// once; under load, one statement (one PostgreSQL round trip) records a handful. A send is reported
// done only when its row says 'sent'; if recording fails the row stays 'sending' and recoverStale
// requeues it (the resend keeps its uuid, so Lark shows it once).
import type { createOutboxRepo } from '../store/outbox-repo.ts';

type Repo = Pick<ReturnType<typeof createOutboxRepo>, 'markSentMany'>;

interface Waiting {
  id: number;
  messageId: string;
  at: Date;
  done(): void;
  failed(e: unknown): void;
}

export function createSentMarks(repo: Repo): (id: number, messageId: string, at: Date) => Promise<void> {
  let waiting: Waiting[] = [];
  let recording = false;
  async function recordAll(): Promise<void> {
    recording = true;
    while (waiting.length) {
      const batch = waiting;
      waiting = [];
      try {
        await repo.markSentMany(batch);
        for (const w of batch) w.done();
      } catch (e) {
        for (const w of batch) w.failed(e);
      }
    }
    recording = false;
  }
  return (id, messageId, at) =>
    new Promise<void>((done, failed) => {
      waiting.push({ id, messageId, at, done, failed });
      if (!recording) void recordAll();
    });
}

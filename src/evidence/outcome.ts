// What the chat asks of the evidence collector (jobs/collect-evidence.ts) and what it answers.
import type { Attachment } from './attachment.ts';
import type { EvidenceRecord } from '../store/evidence-repo.ts';

export interface EvidenceRequest {
  taskNumber: number;
  unitName: string;
  attachments: Attachment[];
  links: string[];
  reporterId: string;
  reporterName?: string | null;
  chatId: string;
  messageId: string;
  at: Date;
  source: 'chat' | 'console';
}

/** What became of one attachment or link; `name` is the file's name when known (images have none). */
export type EvidenceOutcome =
  | { kind: 'stored'; record: EvidenceRecord }
  | { kind: 'duplicate'; record: EvidenceRecord }
  | { kind: 'too-large'; name: string | null; attachment: Attachment; size: number | null; limitBytes: number }
  | { kind: 'type'; name: string | null; attachment: Attachment; ext: string | null }
  | { kind: 'unavailable'; name: string | null; attachment: Attachment; code: number | null };

/** The chat's handle on the collector (absent in contexts that record no evidence). */
export type EvidenceCollector = (req: EvidenceRequest) => Promise<EvidenceOutcome[]>;

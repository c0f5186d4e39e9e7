// Which files are accepted as evidence, and how large: pure. Types are decided by the file's extension
// (its name as sent), else Lark's content-type, else the first bytes; images from image messages are jpg/png.

/** Extensions accepted, with the content-type each is stored under. */
export const ALLOWED_TYPES: Readonly<Record<string, string>> = Object.freeze({
  pdf: 'application/pdf',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  zip: 'application/zip',
});

/** The allowed extensions as the chat lists them. */
export const ALLOWED_LIST = 'pdf, doc/docx, xls/xlsx, jpg/jpeg/png, zip';

const BY_CONTENT_TYPE: Record<string, string> = {
  'application/pdf': 'pdf',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'image/jpeg': 'jpg',
  'image/jpg': 'jpg',
  'image/png': 'png',
  'application/zip': 'zip',
  'application/x-zip-compressed': 'zip',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'video/mp4': 'mp4',
};

export type TypeDecision = { ok: true; ext: string; contentType: string } | { ok: false; ext: string | null };

/** "报告.PDF" → "pdf"; no dot → null. */
export function extensionOf(name: string | undefined): string | null {
  if (!name) return null;
  const m = /\.([A-Za-z0-9]{1,10})$/.exec(name.trim());
  return m ? m[1].toLowerCase() : null;
}

/** "image/png; charset=…" → "png"; unknown or generic (octet-stream) → null. */
export function extensionOfContentType(contentType: string | undefined): string | null {
  if (!contentType) return null;
  return BY_CONTENT_TYPE[contentType.split(';')[0].trim().toLowerCase()] ?? null;
}

/** The type from a file's first bytes (magic numbers), for resources with no name and a generic content-type. */
export function sniffExtension(head: Uint8Array): string | null {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0x25, 0x50, 0x44, 0x46)) return 'pdf'; // %PDF
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'png';
  if (starts(0xff, 0xd8, 0xff)) return 'jpg';
  if (starts(0x50, 0x4b, 0x03, 0x04)) return 'zip'; // also docx/xlsx, which have a name
  if (starts(0xd0, 0xcf, 0x11, 0xe0)) return 'doc'; // OLE: doc or xls, which have a name
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'gif';
  return null;
}

/** The accepted type of a file, by the first of: name, content-type, first bytes. */
export function decideType(opts: { name?: string; contentType?: string; head?: Uint8Array }): TypeDecision {
  const ext = extensionOf(opts.name) ?? extensionOfContentType(opts.contentType) ?? (opts.head ? sniffExtension(opts.head) : null);
  if (ext && ALLOWED_TYPES[ext]) return { ok: true, ext, contentType: ALLOWED_TYPES[ext] };
  return { ok: false, ext };
}

/** Whether a name alone already refuses the file (so it is never downloaded). */
export function refusedByName(name: string | undefined): string | null {
  const ext = extensionOf(name);
  return ext && !ALLOWED_TYPES[ext] ? ext : null;
}

export const MB = 1024 * 1024;

/** "1.2 MB", "830 KB", "12 B". */
export function formatSize(bytes: number): string {
  if (bytes >= MB) return `${(bytes / MB).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}

// A plan document's bytes → the text parsePlan reads. Text files must be UTF-8; .docx goes through
// mammoth's HTML so table rows stay together (see docx-html-to-text.ts).
import { AppError } from '../errors.ts';
import { docxHtmlToText } from './docx-html-to-text.ts';

const TEXT_EXTENSIONS = ['.txt', '.md', '.text'];

export async function extractPlanText(bytes: Buffer, fileName: string): Promise<string> {
  const ext = /\.[^.]+$/.exec(fileName.toLowerCase())?.[0] ?? '';
  let text: string;
  if (TEXT_EXTENSIONS.includes(ext)) text = decodeUtf8(bytes, fileName);
  else if (ext === '.docx') text = await docxText(bytes, fileName);
  else if (ext === '.doc') {
    throw new AppError('plan-format', `${fileName}: Word 97-2003 (.doc) files are not read; open it in Word or WPS and save it as .docx or as UTF-8 .txt`);
  } else {
    throw new AppError('plan-format', `${fileName}: unsupported plan format "${ext || '(no extension)'}"; use .txt, .md or .docx`);
  }
  if (!text.trim()) throw new AppError('plan-empty', `${fileName}: the document has no text; check that it is the right file`);
  return text;
}

function decodeUtf8(bytes: Buffer, fileName: string): string {
  if (bytes.includes(0)) {
    throw new AppError('plan-binary', `${fileName}: this is a binary file, not text (it contains NUL bytes); give the plan as .txt (UTF-8) or .docx`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    throw new AppError(
      'plan-binary',
      `${fileName}: not valid UTF-8 text (perhaps GBK/GB2312, common for files saved on Chinese Windows); save it again as UTF-8`,
    );
  }
}

async function docxText(bytes: Buffer, fileName: string): Promise<string> {
  let html: string;
  try {
    // Loaded on demand: most imports are plain text, and the bot's resident memory matters more.
    const { default: mammoth } = await import('mammoth');
    html = (await mammoth.convertToHtml({ buffer: bytes })).value;
  } catch (e) {
    throw new AppError('plan-unreadable', `${fileName}: not a readable .docx file (${(e as Error).message}); open and save it again in Word or WPS`, {}, { cause: e });
  }
  return docxHtmlToText(html);
}

// A plan document's bytes → the text parsePlan reads. Text files must be UTF-8; .docx goes through
// mammoth's HTML so table rows stay together (see docx-html-to-text.ts); an .xlsx 分工表 is read with exceljs,
// each sheet's task table found by its header words (task-table.ts).
import { AppError } from '../errors.ts';
import { docxHtmlToText } from './docx-html-to-text.ts';
import { gridToPlanLines } from './task-table.ts';

const TEXT_EXTENSIONS = ['.txt', '.md', '.text'];

export async function extractPlanText(bytes: Buffer, fileName: string): Promise<string> {
  const ext = /\.[^.]+$/.exec(fileName.toLowerCase())?.[0] ?? '';
  let text: string;
  if (TEXT_EXTENSIONS.includes(ext)) text = decodeUtf8(bytes, fileName);
  else if (ext === '.docx') text = await docxText(bytes, fileName);
  else if (ext === '.xlsx') text = await xlsxText(bytes, fileName);
  else if (ext === '.doc') {
    throw new AppError('plan-format', `${fileName}: Word 97-2003 (.doc) files are not read; open it in Word or WPS and save it as .docx or as UTF-8 .txt`);
  } else if (ext === '.xls') {
    throw new AppError('plan-format', `${fileName}: Excel 97-2003 (.xls) files are not read; open it in Excel or WPS and save it as .xlsx`);
  } else {
    throw new AppError('plan-format', `${fileName}: unsupported plan format "${ext || '(no extension)'}"; use .txt, .md, .docx or .xlsx`);
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

async function xlsxText(bytes: Buffer, fileName: string): Promise<string> {
  // Loaded on demand, like mammoth: exceljs is large and most plans are text.
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (e) {
    throw new AppError('plan-unreadable', `${fileName}: not a readable .xlsx file (${(e as Error).message}); open and save it again in Excel or WPS`, {}, { cause: e });
  }
  const out: string[] = [];
  wb.eachSheet((ws) => {
    const grid: string[][] = [];
    for (let r = 1; r <= ws.rowCount; r++) {
      const row: string[] = [];
      for (let c = 1; c <= ws.columnCount; c++) {
        const cell = ws.getCell(r, c);
        // A merged range gives every cell the master's value, as a reader of the printed table would.
        row.push(cellText(cell.isMerged ? cell.master : cell));
      }
      grid.push(row);
    }
    out.push(...gridToPlanLines(grid));
  });
  return out.join('\n');
}

type XlsxCell = { value: unknown; text: string };

function cellText(cell: XlsxCell): string {
  const v = cell.value;
  // Excel dates have no time zone; exceljs gives them as UTC midnight.
  if (v instanceof Date) return `${v.getUTCFullYear()}年${v.getUTCMonth() + 1}月${v.getUTCDate()}日`;
  return (cell.text ?? '').replace(/\r\n?/g, '\n').trim();
}

// The plan's own date, when its text gives one: the signature date on a line of its own ("2020年11月1日",
// "二○一二年一月二十九日"), a labelled date ("成文日期:2021-03-29"), or at least the year of its document
// number on a line of its own ("国发〔2020〕6号"). Relative deadlines ("本意见印发之日起30日内", "年内") are
// counted from it. A web page's own timestamp ("时间:2023-01-05 10:46") is not the document's date.

export interface DocumentDate {
  /** YYYY-MM-DD, when the day is known. */
  date?: string;
  year: number;
  /** The words it was read from, for repairs and messages. */
  source: string;
}

const DIGIT: Record<string, string> = { 〇: '0', 零: '0', '○': '0', O: '0', Ｏ: '0', 一: '1', 二: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9' };
const LABELLED = /^(?:成文日期|印发日期|发文日期|发布日期|颁布日期|颁布时间|签发日期)\s*[:|]?\s*(\d{4})(?:-|年|\.|\/)(\d{1,2})(?:-|月|\.|\/)(\d{1,2})/;
const NUMBER_LINE = /^[\u4e00-\u9fff]{1,12}(?:〔|\[|\()(\d{4})(?:〕|\]|\))\s*\d{1,4}\s*号$/;
/** A title naming one year ("鼓楼区2023年法治政府建设工作要点"), not a range ("2021-2025年"). */
const TITLE_YEAR = /(?<![\d\-—–~至])(20\d{2})年(?:度)?(?![\d\-—–~至])[^。,]{0,30}(?:要点|重点|计划|任务|安排|清单|方案|分工|报告)/;

export function findDocumentDate(text: string): DocumentDate | undefined {
  const lines = text.split('\n').map((l) => l.trim());
  let labelled: DocumentDate | undefined;
  let numbered: DocumentDate | undefined;
  let titled: DocumentDate | undefined;
  for (const [i, line] of lines.entries()) {
    // Cheap tests first: a plan has thousands of lines and only a few can carry its date.
    if (line.length > 60 && i >= 12) continue;
    const d = line.length <= 24 && line.includes('日') ? dateLine(line) : undefined;
    if (d) return d;
    const l = /日期|时间/.test(line) ? LABELLED.exec(line.replace(/\s*\|\s*/g, ':')) : null;
    if (l && !labelled) {
      const date = validDate(Number(l[1]), Number(l[2]), Number(l[3]));
      if (date) labelled = { date, year: Number(l[1]), source: line };
    }
    const n = line.endsWith('号') ? NUMBER_LINE.exec(line) : null;
    if (n && !numbered) numbered = { year: Number(n[1]), source: line };
    if (i < 12 && !titled) {
      const t = TITLE_YEAR.exec(line);
      if (t && !/[。]/.test(line)) titled = { year: Number(t[1]), source: line };
    }
  }
  return labelled ?? numbered ?? titled;
}

/** "2020年11月1日", "(2006年5月22日)", "二○一二年一月二十九日", "2022年8月1日印发" alone on a line. */
function dateLine(line: string): DocumentDate | undefined {
  const m = /^\(?\s*([0-9〇零○OＯ一二三四五六七八九]{4})\s*年\s*([0-9一二三四五六七八九十]{1,3})\s*月\s*([0-9一二三四五六七八九十]{1,3})\s*日\s*(?:印发|发布)?\s*\)?$/.exec(line);
  if (!m) return undefined;
  const y = Number([...m[1]].map((c) => DIGIT[c] ?? c).join(''));
  const mo = count(m[2]);
  const d = count(m[3]);
  const date = mo && d ? validDate(y, mo, d) : undefined;
  return date ? { date, year: y, source: line } : undefined;
}

function count(s: string): number | undefined {
  if (/^\d+$/.test(s)) return Number(s);
  const one = (c: string | undefined) => (c ? Number(DIGIT[c]) : undefined);
  const m = /^([一二三])?十([一二三四五六七八九])?$/.exec(s);
  if (m) return (one(m[1]) ?? 1) * 10 + (one(m[2]) ?? 0);
  return s.length === 1 ? one(s) : undefined;
}

function validDate(y: number, mo: number, d: number): string | undefined {
  if (y < 1990 || y > 2100 || mo < 1 || mo > 12 || d < 1) return undefined;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d > days) return undefined;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

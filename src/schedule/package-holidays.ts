// chinese-days (pinned in package.json) is the holiday source for the years it covers. Its Date
// handling uses the process's local zone, so only YYYY-MM-DD strings are ever passed to it.
import chineseDays from 'chinese-days';
import packageData from 'chinese-days/dist/chinese-days.json' with { type: 'json' };

/** Years with State Council holiday data in the installed package (read from its data file). */
export const PACKAGE_YEARS: ReadonlySet<number> = new Set(
  [...Object.keys(packageData.holidays), ...Object.keys(packageData.workdays)].map((d) => Number(d.slice(0, 4))),
);

export const PACKAGE_LAST_YEAR: number = Math.max(...PACKAGE_YEARS);

/** The package's verdict for a day (meaningful only for years in PACKAGE_YEARS). */
export function packageIsWorkday(day: string): boolean {
  return chineseDays.isWorkday(day);
}

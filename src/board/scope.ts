// Who sees which rows: the office (its members, DUBAN_ADMINS, the local console) sees every unit; a
// unit's liaison sees the rows of the units they speak for. Every page and API filters through here.
import type { Recipient } from '../schedule/recipients.ts';

export type Scope =
  | { kind: 'all'; why: 'admin' | 'office' | 'local' }
  /** Canonical unit names the viewer speaks for (登记 liaison, or member of the unit's bound group). */
  | { kind: 'units'; units: ReadonlySet<string> };

export const WHOLE_PLAN: Scope = { kind: 'all', why: 'local' };

/**
 * A status row is the viewer's when its unit is one of theirs, or when it reaches them through a
 * collective unit they speak for (各乡镇(街道) expanded into its members).
 */
export function seesRow(scope: Scope, row: Pick<Recipient, 'unitName' | 'reporters'>): boolean {
  if (scope.kind === 'all') return true;
  return scope.units.has(row.unitName) || row.reporters.some((r) => scope.units.has(r));
}

/** A unit's own page and its reports: only the units of the scope (and, for everyone, nothing else). */
export function seesUnit(scope: Scope, unitName: string): boolean {
  return scope.kind === 'all' || scope.units.has(unitName);
}

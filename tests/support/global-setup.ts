// Once before the suite: the compiled bot that `npm start` runs (dist/) is up to date with src/, so the
// tests that start it test what a user starts. `npm install` builds it; this only rebuilds after edits.
// @ts-expect-error: a plain .mjs script without types
import { build, isStale } from '../../scripts/build.mjs';

export default function setup(): void {
  if ((isStale as () => boolean)()) (build as (o: { quiet: boolean }) => void)({ quiet: true });
}

// argv → positionals and --flags. Values are validated per command with zod.
import { z } from 'zod';
import { AppError } from '../errors.ts';

export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | true>;
}

// Switches never take a value, so `--json data/plan.txt` keeps the file as a positional.
const SWITCHES = new Set(['dry-run', 'json', 'help']);

export function parseArgs(argv: string[]): ParsedArgs {
  const positionals: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    const m = a.match(/^--([a-z][a-z-]*)(?:=(.*))?$/);
    if (!m) {
      positionals.push(a);
      continue;
    }
    if (m[2] !== undefined) flags[m[1]] = m[2];
    else if (!SWITCHES.has(m[1]) && i + 1 < argv.length && !argv[i + 1].startsWith('--')) flags[m[1]] = argv[++i];
    else flags[m[1]] = true;
  }
  return { positionals, flags };
}

/** Validates flags against a schema; unknown flags are an error that lists the known ones. */
export function readFlags<S extends z.ZodRawShape>(command: string, flags: ParsedArgs['flags'], shape: S): z.infer<z.ZodObject<S>> {
  const known = Object.keys(shape);
  for (const k of Object.keys(flags)) {
    if (!known.includes(k)) throw new AppError('usage', `${command}: unknown option --${k} (expected ${known.map((n) => `--${n}`).join(', ') || 'no options'})`);
  }
  const parsed = z.object(shape).safeParse(flags);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new AppError('usage', `${command}: --${i.path.join('.')}: ${i.message}`);
  }
  return parsed.data;
}

export const boolFlag = z.union([z.literal(true), z.enum(['true', 'false']).transform((v) => v === 'true')]).optional();
export const dayFlag = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date like 2027-02-22');

// Reads the hand-edited files in data/ and validates them at the boundary, naming the file on error.
import fs from 'node:fs';
import type { z } from 'zod';
import { AppError } from '../errors.ts';

export function readJsonFile<T>(file: string, schema: z.ZodType<T>, opts: { optional?: boolean; fallback?: T } = {}): T {
  if (!fs.existsSync(file)) {
    if (opts.optional) return opts.fallback as T;
    throw new AppError('data-missing', `${file}: file not found`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new AppError('data-json', `${file}: not valid JSON (${(e as Error).message})`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new AppError('data-invalid', `${file}: ${first.join('; ')}`);
  }
  return parsed.data;
}

import type { z } from 'zod';

/** "ladder.0.unit: Invalid option ...; sendTime: expected a time of day HH:mm" — every bad field, by path. */
export function formatIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

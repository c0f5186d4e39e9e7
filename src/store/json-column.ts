// SQLite has no array type: string lists are stored as JSON text columns.
export function readJsonList(text: string | null | undefined): string[] {
  if (!text) return [];
  const v: unknown = JSON.parse(text);
  return Array.isArray(v) ? v.map(String) : [];
}

export function writeJsonList(list: readonly string[]): string {
  return JSON.stringify([...list]);
}

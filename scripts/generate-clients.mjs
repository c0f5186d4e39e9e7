#!/usr/bin/env node
// postinstall: generates the Prisma clients. prisma/schema.prisma (SQLite) is the one schema we edit;
// the PostgreSQL schema is derived from it (same models, other provider and output), so the two
// cannot drift. Both clients are build output (src/generated/, not in git).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const sqlite = fs.readFileSync(path.join(root, 'prisma/schema.prisma'), 'utf8');

export function postgresSchema(text) {
  const out = text
    .replace('output     = "../src/generated/prisma"', 'output     = "../../src/generated/prisma-pg"')
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace(/url\s+= "file:[^"]*"/, 'url      = "postgresql://localhost/duban"');
  if (out === text || !out.includes('prisma-pg') || !out.includes('"postgresql"')) {
    throw new Error('prisma/schema.prisma changed shape: update scripts/generate-clients.mjs');
  }
  return '// GENERATED from prisma/schema.prisma by scripts/generate-clients.mjs: edit that file instead.\n' + out;
}

fs.mkdirSync(path.join(root, 'prisma/postgres'), { recursive: true });
fs.writeFileSync(path.join(root, 'prisma/postgres/schema.prisma'), postgresSchema(sqlite));

const prisma = path.join(root, 'node_modules/.bin/prisma');
for (const schema of ['prisma/schema.prisma', 'prisma/postgres/schema.prisma']) {
  execFileSync(prisma, ['generate', '--schema', schema], { cwd: root, stdio: 'inherit' });
}

// The generated clients import the query compiler's base64 module, which then stays in memory for
// good (two 2.4 MB strings); src/store/prisma-wasm.ts reads the same file as text instead.
const WASM_IMPORT = /const \{ wasm \} = await import\(("@prisma\/client\/runtime\/query_compiler_bg\.\w+\.wasm-base64\.mjs")\)\n(\s*)return await decodeBase64AsWasm\(wasm\)/;
for (const out of ['src/generated/prisma', 'src/generated/prisma-pg']) {
  const file = path.join(root, out, 'internal/class.ts');
  const text = fs.readFileSync(file, 'utf8');
  if (!WASM_IMPORT.test(text)) throw new Error(`${out}/internal/class.ts changed shape: update scripts/generate-clients.mjs`);
  const patched = text.replace(
    WASM_IMPORT,
    (_, spec, indent) => `const { readWasmBase64 } = await import("../../../store/prisma-wasm.ts")\n${indent}return await decodeBase64AsWasm(await readWasmBase64(${spec}))`,
  );
  fs.writeFileSync(file, patched);
}

// Prisma's query compiler (WebAssembly) reaches the generated clients as a JavaScript module that holds
// it in base64, 2.4 MB. Imported, as Prisma's generated code does it, that module stays loaded: its
// source and its string are two copies kept for the life of the process (~5 MB of heap), though the
// compiled module is all the client needs after start. scripts/generate-clients.mjs points the
// generated code here instead: the file is read as text, and both copies are garbage once compiled.
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** The whole file as Prisma ships it (runtime/query_compiler_bg.<provider>.wasm-base64.mjs). */
const MODULE_SHAPE = /^const wasm = "([A-Za-z0-9+/=]*)";\s*export \{ wasm \}\s*$/;

/** The base64 text of the wasm module that `specifier` exports as `wasm`. */
export async function readWasmBase64(specifier: string): Promise<string> {
  const m = MODULE_SHAPE.exec(await fs.readFile(require.resolve(specifier), 'utf8'));
  // Another shape (a later Prisma): import it, as the generated code would.
  return m ? m[1] : ((await import(specifier)) as { wasm: string }).wasm;
}

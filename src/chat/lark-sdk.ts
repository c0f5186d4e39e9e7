// The Lark SDK for the modules that talk to Lark (main.ts loads them only when Lark is configured):
// the build's slimmed copy of it in dist/vendor/ when that was made from the installed package
// (scripts/slim-lark-sdk.mjs: the same code without comments, 11.5 MB less heap for as long as the
// bot runs), else the package. Run from src/ (tsx, the tests) there is no copy next to this file.
// Loaded with require: importing CommonJS from ESM would first have node scan the whole bundle for
// export names (cjs-module-lexer), a second copy of its source, for nothing.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as Sdk from '@larksuiteoapi/node-sdk';

const require = createRequire(import.meta.url);
const SDK = '@larksuiteoapi/node-sdk';
const SLIM_DIR = fileURLToPath(new URL('../../vendor/@larksuiteoapi/node-sdk/', import.meta.url));

/** The copy's path when its stamp names the installed bundle (same file, size and time). */
function slimCopy(): string | null {
  try {
    const stamp = JSON.parse(fs.readFileSync(SLIM_DIR + 'slim.json', 'utf8')) as { source: string; size: number; mtimeMs: number; copied: boolean };
    const original = require.resolve(SDK);
    const st = fs.statSync(original);
    if (stamp.copied && stamp.source === original && stamp.size === st.size && stamp.mtimeMs === st.mtimeMs) return SLIM_DIR + 'lib/index.js';
  } catch {
    // no copy here
  }
  return null;
}

export const lark: typeof Sdk = require(slimCopy() ?? SDK);

#!/usr/bin/env node
// Compiles src/ to dist/ (tsconfig.build.json) when anything it depends on is newer than the last
// build, and keeps dist/vendor/'s slimmed copy of the Lark SDK (scripts/slim-lark-sdk.mjs) made from
// the installed one; `npm start` and `npm install` run it. Exported for scripts/start.mjs.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isSlimStale } from './slim-lark-sdk.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = path.join(ROOT, 'dist', '.build-stamp');
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];

function newestMtime(p) {
  let st;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, name)));
  return newest;
}

export function isStale() {
  if (!fs.existsSync(STAMP) || !fs.existsSync(path.join(ROOT, 'dist', 'src', 'main.js'))) return true;
  const built = fs.statSync(STAMP).mtimeMs;
  return INPUTS.some((p) => newestMtime(path.join(ROOT, p)) > built) || isSlimStale(ROOT);
}

export function build({ quiet = false } = {}) {
  if (!quiet) process.stderr.write('duban: compiling src/ to dist/ (once after each change)…\n');
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });
  // In a child like tsc: esbuild is not left loaded in the bot that `npm start` goes on to run.
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'slim-lark-sdk.mjs')], { cwd: ROOT, stdio: 'inherit' });
  fs.writeFileSync(STAMP, new Date().toISOString() + '\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--force') || isStale()) build();
}

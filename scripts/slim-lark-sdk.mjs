#!/usr/bin/env node
// Part of the build (scripts/build.mjs runs it): a copy of the Lark SDK's bundle without its comments
// and indentation, in dist/vendor/, which src/chat/lark-sdk.ts loads instead of the package when it
// was made from the installed one. The bundle is 6.2 MB, mostly Chinese API documentation in
// comments; V8 keeps the source of every loaded script, and one character beyond Latin-1 makes it
// keep all of it at two bytes a character: 11.5 MB for as long as the bot runs. The copy is the same
// code in 1.9 MB of ASCII (esbuild escapes the few non-ASCII characters of strings); stack traces
// into it show other line numbers than the package's.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const SDK = '@larksuiteoapi/node-sdk';

/** lib/index.js under a copy of the package.json: the SDK reads its version from ../package.json. */
export function slimSdkPaths(root) {
  const dir = path.join(root, 'dist', 'vendor', ...SDK.split('/'));
  return { dir, index: path.join(dir, 'lib', 'index.js'), stamp: path.join(dir, 'slim.json') };
}

/** The installed bundle, as the stamp names it: a copy made from another one is not used. */
export function sdkSource(root) {
  const original = createRequire(path.join(root, 'package.json')).resolve(SDK);
  const st = fs.statSync(original);
  return { source: original, size: st.size, mtimeMs: st.mtimeMs };
}

/** True when dist/vendor/ has no stamp for the installed SDK (build again). */
export function isSlimStale(root) {
  try {
    const stamp = JSON.parse(fs.readFileSync(slimSdkPaths(root).stamp, 'utf8'));
    const now = sdkSource(root);
    return stamp.source !== now.source || stamp.size !== now.size || stamp.mtimeMs !== now.mtimeMs;
  } catch {
    return true;
  }
}

/** Why the package itself must be loaded, or null: the copy finds every dependency the package finds. */
function dependencyMismatch(source, original, copy) {
  const fromOriginal = createRequire(original);
  const fromCopy = createRequire(copy);
  for (const [, spec] of source.matchAll(/\brequire\(["']([^"']+)["']\)/g)) {
    try {
      if (fromOriginal.resolve(spec) === fromCopy.resolve(spec)) continue;
    } catch {
      // unresolvable from one side
    }
    return `its dependency ${spec} resolves elsewhere from dist/vendor/`;
  }
  return null;
}

export function slimLarkSdk(root) {
  const out = slimSdkPaths(root);
  const from = sdkSource(root);
  fs.rmSync(out.dir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(out.index), { recursive: true });
  const source = fs.readFileSync(from.source, 'utf8');
  let why = dependencyMismatch(source, from.source, out.index);
  if (!why) {
    try {
      const esbuild = createRequire(path.join(root, 'package.json'))('esbuild');
      const { code } = esbuild.transformSync(source, { loader: 'js', minifyWhitespace: true, charset: 'ascii' });
      fs.copyFileSync(path.join(path.dirname(from.source), '..', 'package.json'), path.join(out.dir, 'package.json'));
      fs.writeFileSync(out.index, `// Made by scripts/slim-lark-sdk.mjs from ${SDK}/lib/index.js: the same code without comments.\n${code}`);
    } catch (e) {
      why = `it could not be copied (${e.message})`;
    }
  }
  if (why) process.stderr.write(`duban: ${SDK} is loaded from node_modules: ${why}\n`);
  // Written either way, so that a copy that cannot be made is not tried again on every start.
  fs.writeFileSync(out.stamp, JSON.stringify({ ...from, copied: !why }) + '\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  if (isSlimStale(root)) slimLarkSdk(root);
}

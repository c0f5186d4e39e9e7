#!/usr/bin/env node
// `npm start`: the bot as compiled JavaScript (dist/), rebuilt first when src/ changed since the last
// build. Plain node runs it: no TypeScript loader stays in memory. package.json starts node with a
// young generation of at most 4 MB a semi-space (--max-semi-space-size=4: the default lets it grow to
// tens of MB that a bot mostly waiting for messages never gives back; 1 MB held idle RSS 3-10 MB lower
// but a burst then spent a tenth of its time in scavenges: with 4 MB acks +17 %, replies +35 %,
// npm run bench -- chat, 3 runs each) and at most two malloc arenas (MALLOC_ARENA_MAX=2: glibc gives
// each thread its own, mostly empty). Idle RSS 135 → 101-118 MB (npm run bench -- idle-rss; 2 MB a
// semi-space measured no lower, and steady reply p99 worse).
// --v8-pool-size=1: one V8 background thread instead of four, for concurrent GC and compiling; a heap
// of ~30 MB needs no more, and the malloc arena those threads share keeps what four jobs at once
// took (idle RSS −10 MB in the console, −3 MB in ws mode; startup no slower on 2 cores).
// MALLOC_MMAP_THRESHOLD_=131072: glibc's own starting value, held. glibc gives blocks from 128 KB up
// their own mapping, returned when freed, but after the first such free it raises the threshold to
// that block's size (up to 32 MB): later big blocks (compiler zones, buffers) come from the heap, and
// once freed stay there as holes the process keeps (idle RSS −4 MB console, −5 MB ws mode).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, isStale, ROOT } from './build.mjs';

const entry = process.argv[2] === 'cli' ? ['dist', 'src', 'cli', 'main.js'] : ['dist', 'src', 'main.js'];
if (process.argv[2] === 'cli') process.argv.splice(2, 1);
if (isStale()) build();
await import(pathToFileURL(path.join(ROOT, ...entry)).href);

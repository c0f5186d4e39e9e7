import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import crypto from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { decideType, extensionOf, formatSize, refusedByName, sniffExtension } from '../../src/evidence/rules.ts';
import { linksIn } from '../../src/evidence/links.ts';
import { createFileStore, STALE_PART_MS, TooLargeError, TruncatedError } from '../../src/evidence/file-store.ts';

describe('the allow-list', () => {
  it.each([
    ['报告.pdf', true, 'pdf'],
    ['方案.DOCX', true, 'docx'],
    ['台账.xls', true, 'xls'],
    ['照片.JPEG', true, 'jpeg'],
    ['材料.zip', true, 'zip'],
    ['视频.mp4', false, 'mp4'],
    ['脚本.exe', false, 'exe'],
    ['演示.pptx', false, 'pptx'],
  ])('%s → allowed %s (.%s)', (name, ok, ext) => {
    const d = decideType({ name });
    expect(d.ok).toBe(ok);
    expect(d.ext).toBe(ext);
    expect(refusedByName(name)).toBe(ok ? null : ext);
  });

  it('images without a name are typed by content-type, else by their first bytes', () => {
    expect(decideType({ contentType: 'image/png' })).toEqual({ ok: true, ext: 'png', contentType: 'image/png' });
    expect(decideType({ contentType: 'image/jpeg; charset=binary' })).toMatchObject({ ok: true, ext: 'jpg' });
    expect(decideType({ contentType: 'image/gif' })).toEqual({ ok: false, ext: 'gif' });
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]);
    expect(decideType({ contentType: 'application/octet-stream', head: png })).toMatchObject({ ok: true, ext: 'png' });
    expect(decideType({ contentType: 'application/octet-stream', head: Uint8Array.from([1, 2, 3]) })).toEqual({ ok: false, ext: null });
    expect(sniffExtension(Buffer.from('%PDF-1.7'))).toBe('pdf');
  });

  it('a name wins over the content-type; names without an extension decide nothing', () => {
    expect(decideType({ name: '报告.pdf', contentType: 'application/octet-stream' })).toMatchObject({ ok: true, ext: 'pdf' });
    expect(extensionOf('README')).toBeNull();
    expect(refusedByName(undefined)).toBeNull();
  });

  it('sizes read as people say them', () => {
    expect(formatSize(512)).toBe('512 B');
    expect(formatSize(2048)).toBe('2 KB');
    expect(formatSize(25 * 1024 * 1024 + 300 * 1024)).toBe('25.3 MB');
  });
});

describe('links in progress words', () => {
  it('finds http(s) URLs, without the punctuation after them, once each', () => {
    expect(linksIn('报告已公开：https://www.jinan.gov.cn/a/b.html。另见 http://x.cn/p?id=1, https://www.jinan.gov.cn/a/b.html')).toEqual([
      'https://www.jinan.gov.cn/a/b.html',
      'http://x.cn/p?id=1',
    ]);
    expect(linksIn('已完成初稿 ftp://x.cn www.x.cn')).toEqual([]);
  });
});

describe('the file store', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const store = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-evidence-'));
    dirs.push(d);
    return createFileStore(d);
  };

  it('puts a file in place under its sha256, leaving no part', async () => {
    const s = store();
    const data = crypto.randomBytes(100_000);
    const saved = await s.save(Readable.from([data.subarray(0, 4000), data.subarray(4000)]), { maxBytes: 1_000_000, expectedBytes: data.length, ext: () => 'pdf' });
    const sha = crypto.createHash('sha256').update(data).digest('hex');
    expect(saved).toEqual({ sha256: sha, size: data.length, storagePath: `${sha}.pdf` });
    expect(fs.readFileSync(s.pathOf(saved.storagePath)).equals(data)).toBe(true);
    expect(s.parts()).toEqual([]);
  });

  it('over the limit: aborted mid-stream, nothing kept', async () => {
    const s = store();
    const chunks = Array.from({ length: 10 }, () => Buffer.alloc(1000, 7));
    await expect(s.save(Readable.from(chunks), { maxBytes: 4500, ext: () => 'pdf' })).rejects.toBeInstanceOf(TooLargeError);
    expect(s.parts()).toEqual([]);
    expect(fs.readdirSync(s.dir).filter((n) => n !== '.tmp')).toEqual([]);
  });

  it('shorter than announced (a cut connection): refused, nothing kept', async () => {
    const s = store();
    await expect(s.save(Readable.from([Buffer.alloc(10)]), { maxBytes: 100, expectedBytes: 50, ext: () => 'png' })).rejects.toBeInstanceOf(TruncatedError);
    expect(s.parts()).toEqual([]);
    expect(fs.readdirSync(s.dir).filter((n) => n !== '.tmp')).toEqual([]);
  });

  it('sweeps parts a killed process left, not fresh ones', () => {
    const s = store();
    fs.mkdirSync(path.join(s.dir, '.tmp'), { recursive: true });
    const old = path.join(s.dir, '.tmp', 'old.part');
    const fresh = path.join(s.dir, '.tmp', 'fresh.part');
    fs.writeFileSync(old, 'x');
    fs.writeFileSync(fresh, 'y');
    const now = fs.statSync(fresh).mtimeMs;
    fs.utimesSync(old, new Date(now - STALE_PART_MS - 60_000), new Date(now - STALE_PART_MS - 60_000));
    expect(s.sweepParts(now)).toBe(1);
    expect(s.parts()).toEqual(['fresh.part']);
  });
});

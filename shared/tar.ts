/**
 * Deterministic tar archives (POSIX ustar, with PAX records for long names) and a reader.
 *
 * The writer makes the same bytes from the same content on every machine: entries sorted by path,
 * missing parent directories added, a fixed mtime, uid/gid 0 with empty user and group names, and
 * permissions reduced to what git tracks (0755 for executables and directories, 0644 otherwise, unless
 * the caller sets a mode). That is what makes an image layer's digest a function of its files only.
 * Format: https://pubs.opengroup.org/onlinepubs/9699919799/utilities/pax.html#tag_20_92_13_06
 */
import { readFileSync } from 'node:fs';
import { createGzip, gunzipSync, gzipSync, constants as zlibConstants } from 'node:zlib';
import { PavedError } from './errors.js';

export interface TarEntry {
  /** Path inside the archive, `/`-separated, no leading `/` (one is stripped). Directories may end with `/`. */
  path: string;
  type: 'file' | 'directory' | 'symlink' | 'hardlink';
  /** Permission bits. Default 0644 for files, 0755 for directories, 0777 for symlinks. */
  mode?: number;
  /** File content. */
  data?: Uint8Array;
  /**
   * Read the content from this file when the entry is written, instead of `data`: lets a layer of
   * thousands of files be read while earlier parts are already being compressed.
   */
  source?: string;
  /** Symlink or hard link target. */
  linkname?: string;
  /** Owner ids; default 0. */
  uid?: number;
  gid?: number;
  /** Seconds since the epoch; default the archive's mtime. */
  mtime?: number;
}

export interface TarOptions {
  /** mtime for every entry, in seconds since the epoch. Default 0 (1970-01-01, as Bazel and ko do). */
  mtime?: number;
  /** Add entries for parent directories that are not listed. Default true. */
  addParents?: boolean;
}

const BLOCK = 512;
const EMPTY = Buffer.alloc(0);
const ZEROS = Buffer.alloc(BLOCK);
const TYPE_FLAG: Record<TarEntry['type'], string> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  directory: '5',
};

/** The canonical form of an entry path: no leading `/` or `./`, no trailing `/`, no empty parts. */
export function normalizeTarPath(path: string): string {
  const parts = path.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..'))
    throw new PavedError(
      `Refusing tar entry ${JSON.stringify(path)}: it climbs out of the archive root with '..'`,
    );
  return parts.join('/');
}

function writeString(header: Buffer, offset: number, length: number, value: string): void {
  header.write(value, offset, Math.min(length, Buffer.byteLength(value)), 'utf8');
}

function writeOctal(header: Buffer, offset: number, length: number, value: number): void {
  // length-1 octal digits, zero padded, then a NUL terminator.
  header.write(value.toString(8).padStart(length - 1, '0') + '\0', offset, length, 'ascii');
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length)
    length = String(length).length + Buffer.byteLength(body);
  return `${length}${body}`;
}

/** Split a long path into ustar's prefix (≤155 bytes) and name (≤100 bytes), if possible. */
function splitUstarPath(path: string): [string, string] | undefined {
  if (Buffer.byteLength(path) <= 100) return ['', path];
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name) return [prefix, name];
  }
  return undefined;
}

function header(fields: {
  name: string;
  prefix: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  type: string;
  linkname: string;
}): Buffer {
  const block = Buffer.alloc(BLOCK);
  writeString(block, 0, 100, fields.name);
  writeOctal(block, 100, 8, fields.mode);
  writeOctal(block, 108, 8, fields.uid);
  writeOctal(block, 116, 8, fields.gid);
  writeOctal(block, 124, 12, fields.size);
  writeOctal(block, 136, 12, fields.mtime);
  block.fill(' ', 148, 156);
  block.write(fields.type, 156, 1, 'ascii');
  writeString(block, 157, 100, fields.linkname);
  block.write('ustar\u000000', 257, 8, 'ascii');
  writeString(block, 345, 155, fields.prefix);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += block[i] as number;
  block.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return block;
}

function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return rest === 0 ? EMPTY : ZEROS.subarray(0, BLOCK - rest);
}

/**
 * Write a tar archive. Entries are sorted by path (byte order) and parents are added, so the result
 * depends only on the set of entries, never on the order they were found in.
 */
export function createTar(entries: readonly TarEntry[], options: TarOptions = {}): Buffer {
  return Buffer.concat([...tarChunks(entries, options)]);
}

/**
 * The archive as a sequence of buffers (headers, contents, padding, end marker), reading `source`
 * files only as their turn comes. Same bytes as {@link createTar}.
 */
export function* tarChunks(entries: readonly TarEntry[], options: TarOptions = {}): Generator<Buffer> {
  const mtime = options.mtime ?? 0;
  const byPath = new Map<string, TarEntry>();
  for (const entry of entries) {
    const path = normalizeTarPath(entry.path);
    if (!path) continue;
    if (byPath.has(path)) throw new PavedError(`Tar entry ${JSON.stringify(path)} is listed twice`);
    byPath.set(path, { ...entry, path });
  }
  if (options.addParents ?? true) {
    for (const path of [...byPath.keys()]) {
      const parts = path.split('/');
      for (let i = 1; i < parts.length; i++) {
        const parent = parts.slice(0, i).join('/');
        if (!byPath.has(parent)) byPath.set(parent, { path: parent, type: 'directory' });
      }
    }
  }
  // Byte order of the UTF-8 paths, directories as `dir/`; keys computed once (thousands of entries).
  const sorted = [...byPath.values()]
    .map((entry) => ({ entry, key: Buffer.from(entry.type === 'directory' ? `${entry.path}/` : entry.path) }))
    .sort((a, b) => Buffer.compare(a.key, b.key))
    .map(({ entry }) => entry);
  for (const entry of sorted) {
    const path = entry.type === 'directory' ? `${entry.path}/` : entry.path;
    const raw =
      entry.type !== 'file'
        ? EMPTY
        : entry.source !== undefined
          ? readFileSync(entry.source)
          : (entry.data ?? EMPTY);
    // View, not copy: layers hold tens of megabytes of file content.
    const data = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    const linkname = entry.linkname ?? '';
    const mode =
      entry.mode ?? (entry.type === 'directory' ? 0o755 : entry.type === 'symlink' ? 0o777 : 0o644);
    const split = splitUstarPath(path);
    const pax: string[] = [];
    if (!split) pax.push(paxRecord('path', path));
    if (Buffer.byteLength(linkname) > 100) pax.push(paxRecord('linkpath', linkname));
    if (data.length > 0o77777777777) pax.push(paxRecord('size', String(data.length)));
    const entryMtime = entry.mtime ?? mtime;
    if (pax.length > 0) {
      const paxData = Buffer.from(pax.join(''), 'utf8');
      const paxName = `PaxHeaders/${path.replace(/\/$/, '').split('/').pop() ?? 'entry'}`.slice(0, 100);
      yield header({
        name: paxName,
        prefix: '',
        mode: 0o644,
        uid: 0,
        gid: 0,
        size: paxData.length,
        mtime: entryMtime,
        type: 'x',
        linkname: '',
      });
      yield paxData;
      yield padding(paxData.length);
    }
    const [prefix, name] = split ?? ['', path.slice(0, 100)];
    yield header({
      name,
      prefix,
      mode: mode & 0o7777,
      uid: entry.uid ?? 0,
      gid: entry.gid ?? 0,
      size: data.length > 0o77777777777 ? 0 : data.length,
      mtime: entryMtime,
      type: TYPE_FLAG[entry.type],
      linkname: linkname.slice(0, 100),
    });
    if (data.length) {
      yield data;
      yield padding(data.length);
    }
  }
  yield Buffer.alloc(BLOCK * 2);
}

/**
 * Gzip with a fixed header (mtime 0, no file name), so equal input gives equal bytes. Node's zlib
 * writes OS=3 (Unix) on every platform Paved runs on.
 */
export function gzipDeterministic(data: Uint8Array, level = 6): Buffer {
  return gzipSync(data, { level, memLevel: 8, strategy: zlibConstants.Z_DEFAULT_STRATEGY });
}

/**
 * Gzip a sequence of buffers on libuv's thread pool while the caller goes on producing them (reading
 * files), calling `onInput` with each input chunk (for the uncompressed digest). The output equals
 * {@link gzipDeterministic} of the concatenated input: deflate's output does not depend on how its
 * input is split when nothing is flushed in between.
 */
export async function gzipChunks(
  chunks: Iterable<Buffer>,
  level: number,
  onInput: (chunk: Buffer) => void,
): Promise<Buffer> {
  const gzip = createGzip({ level, memLevel: 8, strategy: zlibConstants.Z_DEFAULT_STRATEGY });
  const output: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => output.push(chunk));
  const finished = new Promise<void>((resolve, reject) => {
    gzip.once('end', resolve);
    gzip.once('error', reject);
  });
  let batch: Buffer[] = [];
  let batchBytes = 0;
  const flushBatch = async (): Promise<void> => {
    if (batchBytes === 0) return;
    const data = batch.length === 1 ? (batch[0] as Buffer) : Buffer.concat(batch, batchBytes);
    batch = [];
    batchBytes = 0;
    if (!gzip.write(data)) await new Promise<void>((resolve) => gzip.once('drain', resolve));
  };
  for (const chunk of chunks) {
    onInput(chunk);
    batch.push(chunk);
    batchBytes += chunk.length;
    if (batchBytes >= 256 * 1024) await flushBatch();
  }
  await flushBatch();
  gzip.end();
  await finished;
  return Buffer.concat(output);
}

/** An entry read back from an archive. */
export interface ReadTarEntry {
  path: string;
  type: TarEntry['type'] | 'other';
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  size: number;
  linkname: string;
  data: Buffer;
}

function readString(block: Buffer, offset: number, length: number): string {
  const slice = block.subarray(offset, offset + length);
  const end = slice.indexOf(0);
  return slice.subarray(0, end < 0 ? length : end).toString('utf8');
}

function readOctal(block: Buffer, offset: number, length: number): number {
  const text = readString(block, offset, length).trim();
  return text ? parseInt(text, 8) : 0;
}

function parsePax(data: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    if (space < 0) break;
    const length = Number(data.subarray(offset, space).toString('ascii'));
    if (!length) break;
    const record = data.subarray(space + 1, offset + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) records[record.slice(0, eq)] = record.slice(eq + 1);
    offset += length;
  }
  return records;
}

/** Read every entry of a tar archive (gzip is detected and undone). Handles PAX and GNU long names. */
export function readTar(archive: Uint8Array): ReadTarEntry[] {
  let buffer = Buffer.from(archive);
  if (buffer[0] === 0x1f && buffer[1] === 0x8b) buffer = gunzipSync(buffer);
  const entries: ReadTarEntry[] = [];
  let offset = 0;
  let pending: Record<string, string> = {};
  while (offset + BLOCK <= buffer.length) {
    const block = buffer.subarray(offset, offset + BLOCK);
    if (block.every((byte) => byte === 0)) break;
    const type = String.fromCharCode(block[156] ?? 0x30);
    const size = pending['size'] ? Number(pending['size']) : readOctal(block, 124, 12);
    const dataStart = offset + BLOCK;
    const data = buffer.subarray(dataStart, dataStart + size);
    offset = dataStart + size + ((BLOCK - (size % BLOCK)) % BLOCK);
    if (type === 'x') {
      pending = { ...pending, ...parsePax(data) };
      continue;
    }
    if (type === 'g') continue;
    if (type === 'L') {
      pending['path'] = readString(data, 0, data.length);
      continue;
    }
    if (type === 'K') {
      pending['linkpath'] = readString(data, 0, data.length);
      continue;
    }
    const prefix = readString(block, 345, 155);
    const name = readString(block, 0, 100);
    const path = pending['path'] ?? (prefix ? `${prefix}/${name}` : name);
    const kind: ReadTarEntry['type'] =
      type === '0' || type === '\0' || type === '7'
        ? 'file'
        : type === '5'
          ? 'directory'
          : type === '2'
            ? 'symlink'
            : type === '1'
              ? 'hardlink'
              : 'other';
    entries.push({
      path: path.replace(/^\.\//, '').replace(/\/$/, ''),
      type: kind,
      mode: readOctal(block, 100, 8),
      uid: readOctal(block, 108, 8),
      gid: readOctal(block, 116, 8),
      mtime: pending['mtime'] ? Math.floor(Number(pending['mtime'])) : readOctal(block, 136, 12),
      size,
      linkname: pending['linkpath'] ?? readString(block, 157, 100),
      data: Buffer.from(data),
    });
    pending = {};
  }
  return entries;
}

/**
 * Line coverage from lcov (`LF`/`LH` records, as c8, istanbul/nyc, jest, vitest, grcov and cargo-llvm-cov
 * write them) and Cobertura XML (coverage.py, JaCoCo converters, gcovr, vitest/jest `cobertura`). Several
 * files are combined by summing covered and valid lines, never by averaging percentages.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { StringDecoder } from 'node:string_decoder';
import { XmlScanner, XmlSyntaxError } from './xml-scanner.js';
import { ReportError } from './junit.js';

export interface LineCoverage {
  covered: number;
  valid: number;
  files: string[];
}

/** Percentage with two decimals; undefined when no lines were measured. */
export function percent(coverage: LineCoverage): number | undefined {
  if (coverage.valid === 0) return undefined;
  return Math.floor((coverage.covered / coverage.valid) * 10_000) / 100;
}

export async function readCoverage(paths: readonly string[]): Promise<LineCoverage> {
  const total: LineCoverage = { covered: 0, valid: 0, files: [] };
  for (const path of paths) {
    const one = (await sniffXml(path)) ? await readCobertura(path) : await readLcov(path);
    total.covered += one.covered;
    total.valid += one.valid;
    total.files.push(path);
  }
  return total;
}

async function sniffXml(path: string): Promise<boolean> {
  const stream = createReadStream(path, { start: 0, end: 255, encoding: 'utf8' });
  let head = '';
  try {
    for await (const chunk of stream) head += chunk as string;
  } catch (error) {
    throw new ReportError(`coverage file ${path} could not be read: ${(error as Error).message}`);
  }
  return head
    .replace(/^\uFEFF/, '')
    .trimStart()
    .startsWith('<');
}

export async function readLcov(path: string): Promise<LineCoverage> {
  let covered = 0;
  let valid = 0;
  let records = 0;
  // Per file: LF/LH when present; otherwise count DA lines (some writers omit the totals).
  let fileFound = -1;
  let fileHit = -1;
  let daFound = 0;
  let daHit = 0;
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.startsWith('LF:')) fileFound = Number(line.slice(3));
    else if (line.startsWith('LH:')) fileHit = Number(line.slice(3));
    else if (line.startsWith('DA:')) {
      daFound++;
      const hits = Number(line.slice(3).split(',')[1]);
      if (hits > 0) daHit++;
    } else if (line === 'end_of_record') {
      records++;
      valid += fileFound >= 0 ? fileFound : daFound;
      covered += fileHit >= 0 ? fileHit : daHit;
      fileFound = fileHit = -1;
      daFound = daHit = 0;
    }
  }
  if (records === 0)
    throw new ReportError(`coverage file ${path} is neither Cobertura XML nor lcov (no end_of_record found)`);
  return { covered, valid, files: [path] };
}

export async function readCobertura(path: string): Promise<LineCoverage> {
  let rootCovered: number | undefined;
  let rootValid: number | undefined;
  let rootName: string | undefined;
  // When the root lacks lines-covered/lines-valid (older writers), count <line> under <class><lines>;
  // <method><lines> repeats those lines, so it is not counted.
  const stack: string[] = [];
  let counted = 0;
  let hit = 0;
  const scanner = new XmlScanner({
    open(name, attrs, selfClosing) {
      if (rootName === undefined) {
        rootName = name;
        if (name !== 'coverage')
          throw new ReportError(
            `coverage file ${path} is XML but not Cobertura: its root element is <${name}>`,
          );
        if (attrs['lines-covered'] !== undefined && attrs['lines-valid'] !== undefined) {
          rootCovered = Number(attrs['lines-covered']);
          rootValid = Number(attrs['lines-valid']);
        }
      }
      if (name === 'line' && stack[stack.length - 1] === 'lines' && stack[stack.length - 2] === 'class') {
        counted++;
        if (Number(attrs['hits'] ?? 0) > 0) hit++;
      }
      if (!selfClosing) stack.push(name);
    },
    close() {
      stack.pop();
    },
    text() {},
    wantsText: () => false,
  });
  const decoder = new StringDecoder('utf8');
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 }))
      scanner.write(decoder.write(chunk as Buffer).replace(/^\uFEFF/, ''));
    scanner.write(decoder.end());
    scanner.end();
  } catch (error) {
    if (error instanceof XmlSyntaxError)
      throw new ReportError(`coverage file ${path} is not valid XML: ${error.message}`);
    throw error;
  }
  if (
    rootCovered !== undefined &&
    rootValid !== undefined &&
    Number.isFinite(rootCovered) &&
    Number.isFinite(rootValid)
  ) {
    return { covered: rootCovered, valid: rootValid, files: [path] };
  }
  return { covered: hit, valid: counted, files: [path] };
}

/**
 * One parser run for bench/junit.ts, in its own process so that peak RSS belongs to that parser alone.
 * argv: <parser> <file>. Prints one JSON line: { ms, maxRssBytes, total, failed, skipped }.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { JUnitCollector } from '../actions/test/src/junit.js';

const [parser, file] = process.argv.slice(2) as [string, string];

type Node = Record<string, unknown>;
function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

async function main(): Promise<{ total: number; failed: number; skipped: number }> {
  if (parser === 'paved') {
    const collector = new JUnitCollector();
    await collector.addFile(file);
    const r = collector.results();
    return { total: r.total, failed: r.failed, skipped: r.skipped };
  }
  if (parser === 'baseline') {
    // Streams the file through and parses nothing: the fixed cost of a Node process reading it.
    let bytes = 0;
    for await (const chunk of createReadStream(file, { highWaterMark: 64 * 1024 }))
      bytes += (chunk as Buffer).length;
    return { total: bytes > 0 ? -1 : 0, failed: -1, skipped: -1 };
  }
  const text = readFileSync(file, 'utf8');
  let suites: Node[] = [];
  if (parser === 'fast-xml-parser') {
    const { XMLParser } = await import('fast-xml-parser');
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(text) as Node;
    suites = asArray((doc['testsuites'] as Node)['testsuite'] as Node[]);
    let total = 0;
    let failed = 0;
    let skipped = 0;
    for (const suite of suites) {
      for (const c of asArray(suite['testcase'] as Node[])) {
        total++;
        if (c['failure'] !== undefined || c['error'] !== undefined) failed++;
        else if (c['skipped'] !== undefined) skipped++;
      }
    }
    return { total, failed, skipped };
  }
  if (parser === 'xml2js') {
    const { parseStringPromise } = await import('xml2js');
    const doc = (await parseStringPromise(text)) as { testsuites: { testsuite: Node[] } };
    let total = 0;
    let failed = 0;
    let skipped = 0;
    for (const suite of doc.testsuites.testsuite) {
      for (const c of (suite['testcase'] as Node[]) ?? []) {
        total++;
        if (c['failure'] || c['error']) failed++;
        else if (c['skipped']) skipped++;
      }
    }
    return { total, failed, skipped };
  }
  throw new Error(`unknown parser ${parser}`);
}

const started = performance.now();
const counts = await main();
const ms = performance.now() - started;
process.stdout.write(
  `${JSON.stringify({ ms, maxRssBytes: process.resourceUsage().maxRSS * 1024, ...counts })}\n`,
);

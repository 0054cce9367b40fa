import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { renderCatalog } from '../catalog.js';
import type { Command } from '../command.js';

export const command: Command = {
  name: 'catalog',
  summary: 'print the action catalog, or write/check action-catalog.md',
  usage: 'paved catalog [--write | --check] [--root DIR]',
  async run(args, io) {
    let mode: 'print' | 'write' | 'check' = 'print';
    let root = io.cwd;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i];
      if (arg === '--write') mode = 'write';
      else if (arg === '--check') mode = 'check';
      else if (arg === '--root' && args[i + 1]) root = args[++i] as string;
      else return io.usageError(`unknown argument ${JSON.stringify(arg)}`);
    }
    const text = renderCatalog(root);
    const file = join(root, 'action-catalog.md');
    if (mode === 'print') io.out(text.trimEnd());
    else if (mode === 'write') {
      writeFileSync(file, text);
      io.out(`wrote ${file}`);
    } else {
      const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
      if (current !== text) {
        io.err(`${file} is stale: run 'npm run catalog' and commit the result`);
        return 1;
      }
      io.out('action-catalog.md is up to date');
    }
    return 0;
  },
};

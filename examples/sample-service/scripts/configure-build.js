// The build-time switch: writes build-info.json, which the image carries and the service reads.
//   node scripts/configure-build.js [--version 1.2.3] [--fault none|readiness|error-rate=0.3]
import { writeFileSync } from 'node:fs';
import { parseFault } from '../src/faults.js';

const args = process.argv.slice(2);
const info = {};
for (let i = 0; i < args.length; i++) {
  const [flag, inline] = args[i].split(/=(.*)/s, 2);
  const value = inline ?? args[++i];
  if (flag === '--version' && value) info.version = value;
  else if (flag === '--fault' && value) {
    parseFault(value);
    info.fault = value;
  } else {
    console.error(
      `usage: configure-build.js [--version X] [--fault none|readiness|error-rate=<0..1>]; got ${JSON.stringify(args[i])}`,
    );
    process.exit(2);
  }
}
writeFileSync(new URL('../build-info.json', import.meta.url), `${JSON.stringify(info, null, 2)}\n`);
console.log(`build-info.json: ${JSON.stringify(info)}`);

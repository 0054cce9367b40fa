// Entry point: listen on HOST:PORT (default 0.0.0.0:8080) and stop cleanly on SIGTERM/SIGINT.
import { createApp, loadSettings } from './app.js';

const port = Number(process.env.PORT ?? 8080);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number from 0 to 65535; got ${JSON.stringify(process.env.PORT)}`);
  process.exit(2);
}
const host = process.env.HOST ?? '0.0.0.0';
let settings;
try {
  settings = loadSettings();
} catch (error) {
  console.error(error.message);
  process.exit(2);
}
const { server } = createApp(settings);
server.listen(port, host, () => {
  const address = server.address();
  console.log(
    `sample-service ${settings.version} listening on ${host}:${address.port} (fault: ${settings.fault.kind}${settings.fault.rate !== undefined ? ` ${settings.fault.rate}` : ''})`,
  );
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  });
}

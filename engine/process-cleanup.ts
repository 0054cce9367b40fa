/** Background processes a job's steps leave running, found by their RUNNER_TRACKING_ID and stopped at job end. */
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';

/** Stop whatever the job's steps left running in the background, as the runner does at job end. */
export function cleanUpProcesses(trackingId: string): void {
  // Processes inherit the environment, so the marker finds everything the steps left running
  // (a server started with `&`), and nothing else.
  const marker = `RUNNER_TRACKING_ID=${trackingId}\0`;
  signalTracked(marker, 'SIGTERM');
  // A process that was still inside execve when we looked (a step that starts something in the
  // background as its last act) has no readable environment for that moment and is missed: look
  // again shortly, then KILL whatever ignored TERM.
  setTimeout(() => {
    signalTracked(marker, 'SIGTERM');
    setTimeout(() => signalTracked(marker, 'SIGKILL'), 2000).unref();
  }, 250);
}

/** Reused for every /proc/<pid>/environ read: the scan runs three times per job. */
const environBuffer = Buffer.alloc(128 * 1024);

/** Send `signal` to every process whose environment carries `marker`. */
function signalTracked(marker: string, signal: NodeJS.Signals): void {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return; // no procfs: nothing to find
  }
  const needle = Buffer.from(marker.replace(/\0$/, ''), 'latin1');
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let length = 0;
    try {
      const fd = openSync(`/proc/${entry}/environ`, 'r');
      try {
        // 128 KiB holds any step's environment; a process with a larger one is read in part.
        for (let read = 1; read > 0 && length < environBuffer.length; length += read)
          read = readSync(fd, environBuffer, length, environBuffer.length - length, null);
      } finally {
        closeSync(fd);
      }
    } catch {
      continue; // gone, or not ours to read
    }
    const environ = environBuffer.subarray(0, length);
    // The marker is a whole variable: at the start or after a NUL, and followed by NUL or the end.
    let at = environ.indexOf(needle);
    while (at >= 0) {
      const end = at + needle.length;
      if ((at === 0 || environ[at - 1] === 0) && (end === environ.length || environ[end] === 0)) break;
      at = environ.indexOf(needle, at + 1);
    }
    if (at < 0) continue;
    try {
      process.kill(Number(entry), signal);
    } catch {
      // already gone
    }
  }
}

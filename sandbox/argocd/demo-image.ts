/**
 * Tiny images for the stand-in's demo and tests: one static Go HTTP server (built once, cached by source
 * hash) in a `FROM scratch` image made with buildah and pushed to a registry. Its behaviour is chosen by
 * environment variables baked into each image, so "version 2", "crashes at start" and "never ready" are
 * different images in the registry sharing one layer:
 *
 * - `VERSION`: served at `/` (and in `X-Version`);
 * - `CRASH=1`: exits with code 3 at start; `NEVER_READY=1`: `/healthz` answers 503;
 * - `READY_DELAY=2s`: sleeps before listening; `EXIT_AFTER=3s`: serves, then exits with code 4 (a late crash).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireCommand } from '../process.js';

const SERVER_SOURCE = `package main

import (
	"fmt"
	"net/http"
	"os"
	"time"
)

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	version := os.Getenv("VERSION")
	if d, err := time.ParseDuration(os.Getenv("READY_DELAY")); err == nil {
		time.Sleep(d)
	}
	if os.Getenv("CRASH") == "1" {
		fmt.Fprintln(os.Stderr, "crashing on purpose (CRASH=1)")
		os.Exit(3)
	}
	notReady := os.Getenv("NEVER_READY") == "1"
	if d, err := time.ParseDuration(os.Getenv("EXIT_AFTER")); err == nil {
		go func() {
			time.Sleep(d)
			fmt.Fprintln(os.Stderr, "exiting on purpose (EXIT_AFTER)")
			os.Exit(4)
		}()
	}
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		if notReady {
			w.WriteHeader(503)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Version", version)
		fmt.Fprintf(w, "version %s\\n", version)
	})
	if err := http.ListenAndServe("127.0.0.1:"+port, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
`;

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  cwd?: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { env, cwd, maxBuffer: 16 * 1024 * 1024, timeout: 300_000 },
      (error, stdout, stderr) => {
        if (error)
          reject(
            new Error(
              `${command} ${args.slice(0, 2).join(' ')} failed: ${String(stderr || error.message).trim()}`,
            ),
          );
        else resolve(String(stdout).trim());
      },
    );
  });
}

/** Build (or reuse) the static demo server binary; returns its path. */
export async function buildDemoServer(cacheDir: string): Promise<string> {
  requireCommand('go', 'golang-go');
  const hash = createHash('sha256').update(SERVER_SOURCE).digest('hex').slice(0, 12);
  const binary = join(cacheDir, `standin-demo-${hash}`);
  if (existsSync(binary)) return binary;
  mkdirSync(cacheDir, { recursive: true });
  const src = mkdtempSync(join(tmpdir(), 'paved-demo-src-'));
  try {
    writeFileSync(join(src, 'main.go'), SERVER_SOURCE);
    writeFileSync(join(src, 'go.mod'), 'module paved.invalid/standin-demo\n\ngo 1.19\n');
    const partial = `${binary}.${process.pid}.tmp`;
    await run(
      'go',
      ['build', '-trimpath', '-ldflags=-s -w', '-o', partial, '.'],
      { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' },
      src,
    );
    renameSync(partial, binary);
  } finally {
    rmSync(src, { recursive: true, force: true });
  }
  return binary;
}

export interface DemoImageBuilder {
  /** Build and push `registry/repository:tag` with `env` baked in; returns the reference. */
  push(repository: string, tag: string, env?: Record<string, string>): Promise<string>;
  dispose(): void;
}

/**
 * A builder that pushes demo images to `registry` (`127.0.0.1:<port>`, plain HTTP). buildah runs with
 * chroot isolation and the vfs driver in a private storage root, so parallel test runs do not meet.
 */
export async function demoImageBuilder(registry: string, cacheDir: string): Promise<DemoImageBuilder> {
  requireCommand('buildah', 'buildah');
  const binary = await buildDemoServer(cacheDir);
  const storage = mkdtempSync(join(tmpdir(), 'paved-buildah-'));
  const common = [
    '--root',
    join(storage, 'root'),
    '--runroot',
    join(storage, 'run'),
    '--storage-driver',
    'vfs',
  ];
  const env = { ...process.env, BUILDAH_ISOLATION: 'chroot', STORAGE_DRIVER: 'vfs' };
  return {
    async push(repository, tag, imageEnv = {}) {
      const reference = `${registry}/${repository}:${tag}`;
      const container = await run('buildah', [...common, 'from', '--quiet', 'scratch'], env);
      try {
        await run(
          'buildah',
          [...common, 'copy', '--quiet', '--chmod', '0755', container, binary, '/server'],
          env,
        );
        const envArgs = Object.entries({ VERSION: tag, ...imageEnv }).flatMap(([k, v]) => [
          '--env',
          `${k}=${v}`,
        ]);
        await run(
          'buildah',
          [
            ...common,
            'config',
            '--entrypoint',
            '["/server"]',
            '--cmd',
            '',
            ...envArgs,
            '--port',
            '8080',
            container,
          ],
          env,
        );
        const image = `localhost/${repository}:${tag}`;
        await run('buildah', [...common, 'commit', '--quiet', '--format', 'oci', container, image], env);
        await run(
          'buildah',
          [...common, 'push', '--quiet', '--tls-verify=false', image, `docker://${reference}`],
          env,
        );
      } finally {
        await run('buildah', [...common, 'rm', container], env).catch(() => undefined);
      }
      return reference;
    },
    dispose() {
      // vfs layers are plain directories; buildah leaves them owned by root, which rm handles.
      rmSync(storage, { recursive: true, force: true });
    },
  };
}

/**
 * What the stand-in "deploys": the image a revision renders to, pulled from a real registry, unpacked,
 * and its entrypoint run as a local process on a free port (`PORT` in its environment), like one pod of a
 * Deployment. A rollout keeps the old process serving until the new one answers its readiness path, as a
 * rolling update does; a new process that exits or is not ready by the progress deadline leaves the
 * workload Degraded (and the old process still serving). A small TCP proxy on a stable port plays the
 * Service, so callers (health checks, the demo) keep one URL across rollouts.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { freePort, spawnService, stopProcess, type ServiceProcess } from '../process.js';

/** A runnable image: its unpacked root filesystem and how to start it. */
export interface PreparedImage {
  rootfs: string;
  args: string[];
  env: string[];
  cwd: string;
  /** Manifest digest, when known. */
  digest: string | undefined;
}

/** Turns an image reference into a runnable root filesystem. Swappable for shared/oci when it lands. */
export interface ImagePreparer {
  prepare(image: string): Promise<PreparedImage>;
}

function exec(command: string, args: string[], timeoutMs = 300_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { maxBuffer: 16 * 1024 * 1024, timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error) {
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        reject(
          new Error(
            missing
              ? `${command} is not installed (apt-get install -y ${command})`
              : `${command} ${args[0]} failed: ${String(stderr || error.message).trim()}`,
          ),
        );
      } else resolve(String(stdout));
    });
  });
}

/** Registries the stand-in talks plain HTTP to: loopback ones, as containers/image does. */
function isLoopback(image: string): boolean {
  const host = image.split('/')[0] ?? '';
  return /^(localhost|127\.\d+\.\d+\.\d+)(:\d+)?$/.test(host);
}

/**
 * Pull with `skopeo copy` into one OCI layout (blobs shared between images), unpack each manifest once
 * with `umoci unpack --rootless`, and read the start command from the runtime bundle's config.json.
 */
export class SkopeoUmociPreparer implements ImagePreparer {
  private readonly layout: string;
  private readonly pending = new Map<string, Promise<PreparedImage>>();

  constructor(private readonly cacheDir: string) {
    this.layout = join(cacheDir, 'oci');
    mkdirSync(cacheDir, { recursive: true });
  }

  prepare(image: string): Promise<PreparedImage> {
    // imagePullPolicy IfNotPresent: a reference pulled once is reused; a failed pull is tried again.
    let job = this.pending.get(image);
    if (!job) {
      job = this.pull(image);
      job.catch(() => this.pending.delete(image));
      this.pending.set(image, job);
    }
    return job;
  }

  private async pull(image: string): Promise<PreparedImage> {
    const tag = createHash('sha256').update(image).digest('hex').slice(0, 16);
    const tls = isLoopback(image) ? ['--src-tls-verify=false'] : [];
    await exec('skopeo', ['copy', '--quiet', ...tls, `docker://${image}`, `oci:${this.layout}:${tag}`]);
    const index = JSON.parse(readFileSync(join(this.layout, 'index.json'), 'utf8')) as {
      manifests: { digest: string; annotations?: Record<string, string> }[];
    };
    const entry = [...index.manifests]
      .reverse()
      .find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
    const digest = entry?.digest;
    const bundle = join(this.cacheDir, 'bundles', (digest ?? tag).replace(':', '-'));
    if (!existsSync(join(bundle, 'config.json'))) {
      rmSync(bundle, { recursive: true, force: true });
      await exec('umoci', ['unpack', '--rootless', '--image', `${this.layout}:${tag}`, bundle]);
    }
    const config = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8')) as {
      process?: { args?: string[]; env?: string[]; cwd?: string };
    };
    const args = config.process?.args ?? [];
    if (args.length === 0) throw new Error(`image ${image} has no entrypoint or command`);
    return {
      rootfs: join(bundle, 'rootfs'),
      args,
      env: config.process?.env ?? [],
      cwd: config.process?.cwd || '/',
      digest,
    };
  }
}

export type PodPhase = 'Pending' | 'Running' | 'Ready' | 'Failed';

export interface Pod {
  name: string;
  image: string;
  revision: string;
  phase: PodPhase;
  message: string;
  port: number | undefined;
  startedAt: string;
  process: ServiceProcess | undefined;
}

export interface WorkloadHealth {
  status: 'Healthy' | 'Progressing' | 'Degraded' | 'Missing';
  message?: string;
}

export interface WorkloadOptions {
  name: string;
  preparer: ImagePreparer;
  readinessPath: string;
  progressDeadlineMs: number;
  readinessPollMs?: number;
  /** Extra environment for every pod. */
  env?: Record<string, string>;
  /** Called on every health or pod change. */
  onChange: () => void;
}

/** One Deployment's worth of pods for one application. */
export class Workload {
  /** The pod serving traffic (the last one that became ready). */
  current: Pod | undefined;
  /** A rollout in progress or failed. */
  next: Pod | undefined;
  private proxy: Server | undefined;
  private proxyPort: number | undefined;
  private readonly sockets = new Set<Socket>();
  private generation = 0;
  private stopped = false;

  constructor(private readonly options: WorkloadOptions) {}

  /** The Service URL: stable across rollouts. */
  get url(): string | undefined {
    return this.proxyPort ? `http://127.0.0.1:${this.proxyPort}` : undefined;
  }

  /** The image the workload is meant to run (the rollout's, else the serving pod's). */
  get desiredImage(): string | undefined {
    return this.next?.image ?? this.current?.image;
  }

  health(): WorkloadHealth {
    const pod = this.next ?? this.current;
    if (!pod) return { status: 'Missing', message: 'no pods' };
    if (this.next) {
      if (this.next.phase === 'Failed') return { status: 'Degraded', message: this.next.message };
      return {
        status: 'Progressing',
        message: `Waiting for rollout to finish: 0 of 1 updated replicas are available... (${this.next.message})`,
      };
    }
    if (pod.phase === 'Failed') return { status: 'Degraded', message: pod.message };
    if (pod.phase !== 'Ready') return { status: 'Progressing', message: pod.message };
    return { status: 'Healthy' };
  }

  pods(): Pod[] {
    return [this.current, this.next].filter((p): p is Pod => p !== undefined);
  }

  /** Roll out `image` (no-op when it already runs healthy). Returns at once; health tells the rest. */
  rollout(image: string, revision: string): void {
    if (this.stopped) return;
    if (!this.next && this.current?.image === image && this.current.phase === 'Ready') {
      this.current.revision = revision;
      return;
    }
    if (this.next?.image === image && this.next.phase !== 'Failed') {
      this.next.revision = revision;
      return;
    }
    const generation = ++this.generation;
    if (this.next) void this.retire(this.next);
    const hash = createHash('sha256').update(`${image}@${generation}`).digest('hex');
    const pod: Pod = {
      name: `${this.options.name}-${hash.slice(0, 10)}-${hash.slice(10, 15)}`,
      image,
      revision,
      phase: 'Pending',
      message: 'ContainerCreating',
      port: undefined,
      startedAt: new Date().toISOString(),
      process: undefined,
    };
    this.next = pod;
    this.options.onChange();
    void this.start(pod, generation);
  }

  private async start(pod: Pod, generation: number): Promise<void> {
    const deadline = Date.now() + this.options.progressDeadlineMs;
    const fail = (message: string): void => {
      if (this.next !== pod) return;
      pod.phase = 'Failed';
      pod.message = message;
      this.options.onChange();
    };
    let prepared: PreparedImage;
    try {
      prepared = await this.options.preparer.prepare(pod.image);
    } catch (error) {
      fail(
        `ImagePullBackOff: Back-off pulling image "${pod.image}": ${(error as Error).message.split('\n')[0]}`,
      );
      return;
    }
    if (this.next !== pod || generation !== this.generation || this.stopped) return;
    await this.ensureProxy();
    pod.port = await freePort();
    const env: Record<string, string> = {
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    };
    for (const item of prepared.env) {
      const eq = item.indexOf('=');
      if (eq > 0) env[item.slice(0, eq)] = item.slice(eq + 1);
    }
    Object.assign(env, this.options.env, { PORT: String(pod.port), HOSTNAME: pod.name });
    // Root can chroot into the unpacked image; others need a user namespace for that.
    const asRoot = process.getuid?.() === 0;
    const args = [
      ...(asRoot ? [] : ['--user', '--map-root-user']),
      `--root=${prepared.rootfs}`,
      `--wd=${prepared.cwd}`,
      ...prepared.args,
    ];
    pod.process = spawnService(`${this.options.name}/${pod.name}`, 'unshare', args, { env, detached: true });
    pod.phase = 'Running';
    pod.message = 'Running';
    this.options.onChange();
    const child = pod.process.child;
    child.once('exit', (code, signal) => {
      if (pod.phase === 'Failed' || this.stopped) return;
      const output = pod.process?.output().trim().split('\n').slice(-3).join(' | ') ?? '';
      const reason = `CrashLoopBackOff: container exited with ${signal ?? `code ${code}`}${output ? `: ${output}` : ''}`;
      if (this.current === pod) {
        pod.phase = 'Failed';
        pod.message = reason;
        this.options.onChange();
      } else fail(reason);
    });
    const url = `http://127.0.0.1:${pod.port}${this.options.readinessPath}`;
    while (this.next === pod && pod.phase === 'Running' && !this.stopped) {
      if (Date.now() > deadline) {
        fail(
          `ProgressDeadlineExceeded: Deployment "${this.options.name}" exceeded its progress deadline (readiness probe ${this.options.readinessPath} never answered 2xx)`,
        );
        return;
      }
      if (await probe(url)) {
        pod.phase = 'Ready';
        pod.message = 'Ready';
        const old = this.current;
        // New connections go to the new pod at once; the rollout (and Argo CD's health) completes only
        // when the old pod is gone, as for a Deployment ("old replicas are pending termination"), so a
        // client that kept a connection to the old pod cannot see the old version after Healthy.
        this.current = pod;
        if (old) {
          pod.message = 'Waiting for rollout to finish: 1 old replicas are pending termination...';
          this.options.onChange();
          await this.retire(old);
          pod.message = 'Ready';
        }
        if (this.next === pod) this.next = undefined;
        this.options.onChange();
        return;
      }
      await new Promise((r) => setTimeout(r, this.options.readinessPollMs ?? 100));
    }
  }

  private async retire(pod: Pod): Promise<void> {
    if (pod.process) await pod.process.stop();
  }

  /**
   * Open the Service now, before any pod exists, so its URL can be handed out (health checks, Prometheus
   * targets) before the first deploy. Until a pod is ready, connections to it are closed at once.
   */
  async expose(): Promise<string> {
    await this.ensureProxy();
    return this.url as string;
  }

  private async ensureProxy(): Promise<void> {
    if (this.proxy) return;
    const port = await freePort();
    const server = createServer((client) => {
      this.sockets.add(client);
      client.on('close', () => this.sockets.delete(client));
      const target =
        this.current?.phase === 'Ready' || this.current?.phase === 'Running' ? this.current.port : undefined;
      if (!target) {
        client.destroy();
        return;
      }
      const upstream = connect(target, '127.0.0.1');
      this.sockets.add(upstream);
      upstream.on('close', () => this.sockets.delete(upstream));
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.proxy = server;
    this.proxyPort = port;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(
      this.pods().map((pod) =>
        pod.process ? stopProcess(pod.process.child, 1000).then(() => pod.process?.stop()) : undefined,
      ),
    );
    await new Promise<void>((resolve) => (this.proxy ? this.proxy.close(() => resolve()) : resolve()));
  }
}

async function probe(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/** `paved sandbox base-image`: publish a Node base image built from this machine's Node to a registry. */
import type { SandboxSubcommand } from '../sandbox.js';

const usage =
  'paved sandbox base-image --registry HOST:PORT [--repository paved/node] [--tag T]… [--username U]';

export const subcommand: SandboxSubcommand = {
  name: 'base-image',
  summary:
    "publish a Node base image made from this host's node (plus the libraries ldd lists) to a registry",
  usage,
  async run(args, io) {
    let registry: string | undefined;
    let repository: string | undefined;
    let username: string | undefined;
    const tags: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const arg = args[i] as string;
      const [flag, inline] = arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
      const value = (): string | undefined => inline ?? args[++i];
      if (flag === '--registry') registry = value();
      else if (flag === '--repository') repository = value();
      else if (flag === '--tag') tags.push(value() ?? '');
      else if (flag === '--username') username = value();
      else return io.usageError(`unknown option ${JSON.stringify(arg)}; usage: ${usage}`);
    }
    if (!registry || !/^[A-Za-z0-9.-]+(:\d+)?$/.test(registry)) {
      return io.usageError(
        `--registry must be a registry host like 127.0.0.1:5000; got ${JSON.stringify(registry ?? '')}`,
      );
    }
    if (repository !== undefined && !/^[a-z0-9]+([._/-][a-z0-9]+)*$/.test(repository)) {
      return io.usageError(
        `--repository must be a repository path like paved/node; got ${JSON.stringify(repository)}`,
      );
    }
    const badTag = tags.find((tag) => !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag));
    if (badTag !== undefined)
      return io.usageError(`--tag must be a tag like 20 or 20.11.1; got ${JSON.stringify(badTag)}`);
    const password = io.env['PAVED_REGISTRY_PASSWORD'];
    if (username && !password)
      return io.usageError(
        '--username needs the password in the PAVED_REGISTRY_PASSWORD environment variable',
      );
    const { publishNodeBaseImage } = await import('../../../sandbox/base-image.js');
    const { credentialsFromDockerConfig } = await import('../../../shared/oci/auth.js');
    const credentials =
      username && password
        ? { username, password, source: 'PAVED_REGISTRY_PASSWORD' }
        : credentialsFromDockerConfig(registry, io.env);
    const published = await publishNodeBaseImage({
      registry,
      repository,
      tags: tags.length ? tags : undefined,
      credentials,
    });
    io.out(`published ${published.reference} (${published.tags.join(', ')})`);
    io.out(`  index    ${published.indexDigest}`);
    io.out(`  manifest ${published.manifestDigest}`);
    io.out(`  ${published.bytesSent} bytes sent`);
    return 0;
  },
};

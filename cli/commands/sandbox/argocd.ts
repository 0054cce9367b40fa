/**
 * `paved sandbox argocd`: run the Argo CD stand-in in the foreground, with applications pointing at real
 * GitOps repos, until Ctrl-C. Prints the URL and an admin token for `deploy-argocd` or `curl`.
 */
import type { SandboxSubcommand } from '../sandbox.js';

const usage =
  'paved sandbox argocd [--tls] [--port N] [--app NAME=REPO_URL#PATH[@REVISION]]… [--auto-sync] [--repo-token PREFIX=TOKEN]';

export const subcommand: SandboxSubcommand = {
  name: 'argocd',
  summary: 'run the Argo CD stand-in (REST API, sync lifecycle, images run as local processes) until Ctrl-C',
  usage,
  async run(args, io) {
    let tls = false;
    let port: number | undefined;
    let automated = false;
    const apps: { name: string; repoURL: string; path: string; targetRevision: string }[] = [];
    const repoCredentials: Record<string, string> = {};
    for (let i = 0; i < args.length; i++) {
      const arg = args[i] as string;
      // `--flag=value` or `--flag value`; values themselves may contain '='.
      const flagEnd = /^--[a-z-]+=/.test(arg) ? arg.indexOf('=') : -1;
      const [flag, inline] = flagEnd > 0 ? [arg.slice(0, flagEnd), arg.slice(flagEnd + 1)] : [arg, undefined];
      const value = (): string => inline ?? (args[++i] as string | undefined) ?? '';
      if (flag === '--tls') tls = true;
      else if (flag === '--auto-sync') automated = true;
      else if (flag === '--port') {
        const text = value();
        if (!/^\d{1,5}$/.test(text) || Number(text) > 65535)
          return io.usageError(`--port must be a port number; got ${JSON.stringify(text)}`);
        port = Number(text);
      } else if (flag === '--app') {
        const text = value();
        const match = /^([a-z0-9][-a-z0-9.]*)=([^#]+)#([^@]*)(?:@(.+))?$/.exec(text);
        if (!match)
          return io.usageError(
            `--app must look like shop=http://127.0.0.1:8080/gitops.git#apps/shop@main; got ${JSON.stringify(text)}`,
          );
        apps.push({
          name: match[1] as string,
          repoURL: match[2] as string,
          path: match[3] as string,
          targetRevision: match[4] ?? 'HEAD',
        });
      } else if (flag === '--repo-token') {
        const text = value();
        const eq = text.indexOf('=');
        if (eq <= 0)
          return io.usageError(
            `--repo-token must look like http://127.0.0.1:8080=TOKEN; got a value without '='`,
          );
        repoCredentials[text.slice(0, eq)] = text.slice(eq + 1);
      } else return io.usageError(`unknown option ${JSON.stringify(arg)}; usage: ${usage}`);
    }
    const { startArgoCdStandIn } = await import('../../../sandbox/argocd/index.js');
    const standIn = await startArgoCdStandIn({ tls, port, repoCredentials });
    try {
      for (const app of apps) await standIn.addApplication({ ...app, automated });
    } catch (error) {
      await standIn.stop();
      throw error;
    }
    io.out(
      `Argo CD stand-in on ${standIn.url}${tls ? ' (self-signed certificate: use insecure: true)' : ''}`,
    );
    io.out(`  admin token: ${standIn.adminToken}`);
    io.out(`  login:       admin / password (POST /api/v1/session)`);
    io.out(`  faults:      POST ${standIn.url}/sandbox/v1/faults  e.g. {"syncFailure":{"count":1}}`);
    for (const app of apps)
      io.out(
        `  app ${app.name}: ${app.repoURL} ${app.path} @ ${app.targetRevision}${automated ? ' (auto-sync)' : ''}`,
      );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await standIn.stop();
    return 0;
  },
};

/**
 * Which proxy a request should go through, from HTTPS_PROXY / HTTP_PROXY / NO_PROXY (either case),
 * following the conventions curl and the Actions runner share: NO_PROXY entries are host names
 * (matching the host and its subdomains, with or without a leading dot), `host:port`, IP addresses, or `*`.
 */

/** The proxy URL to use for `target`, or undefined for a direct connection. */
export function proxyFor(target: URL, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const https = target.protocol === 'https:';
  const proxy = https ? (env['https_proxy'] ?? env['HTTPS_PROXY']) : (env['http_proxy'] ?? env['HTTP_PROXY']);
  if (!proxy) return undefined;
  return bypassesProxy(target, env['no_proxy'] ?? env['NO_PROXY'] ?? '') ? undefined : proxy;
}

export function bypassesProxy(target: URL, noProxy: string): boolean {
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy.split(/[,\s]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    // A bare IPv6 address has several colons and no port; `[::1]:8080` has both.
    const bareIpv6 = !entry.startsWith('[') && entry.split(':').length > 2;
    const match = bareIpv6 ? undefined : /^\[?(.*?)\]?(?::(\d+))?$/.exec(entry);
    const entryHost = (match?.[1] ?? entry).replace(/^\*?\./, '');
    const entryPort = match?.[2];
    if (entryPort && entryPort !== port) continue;
    if (host === entryHost || host.endsWith(`.${entryHost}`)) return true;
  }
  return false;
}

/**
 * connection.json's `address` as grpc-go (the peer's `grpc.DialContext`) reads it (DIAL-04): a
 * target whose scheme names a registered resolver (`dns`, `passthrough`, `unix`) is used as such;
 * anything else, including plain `host:port`, goes to the passthrough resolver unchanged and is
 * dialled with Go's `net.Dial("tcp", address)`. The texts are Go's, checked against grpc-go v1.82.1.
 */

export type ParsedTarget =
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number; readonly resolver: 'passthrough' | 'dns'; readonly authorityHost: string }
  | { readonly kind: 'unix'; readonly path: string; readonly authorityHost: string }
  /** Go's net.Dial fails before any I/O; `goError` is its text after `dial tcp: `. */
  | { readonly kind: 'invalid'; readonly goError: string; readonly resolver: 'passthrough' | 'dns' };

/** Go's net.SplitHostPort. */
export function splitHostPort(hostport: string): { host: string; port: string } | { error: string } {
  const missing = (why: string): { error: string } => ({ error: `address ${hostport}: ${why}` });
  const colon = hostport.lastIndexOf(':');
  if (colon < 0) return missing('missing port in address');
  let host: string;
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']');
    if (close < 0) return missing("missing ']' in address");
    if (close + 1 === hostport.length) return missing('missing port in address');
    if (close + 1 !== colon) return missing(hostport[close + 1] === ':' ? 'too many colons in address' : 'missing port in address');
    host = hostport.slice(1, close);
    if (host.includes('[') || host.includes(']')) return missing("unexpected '[' in address");
  } else {
    host = hostport.slice(0, colon);
    if (host.includes(':')) return missing('too many colons in address');
    if (host.includes('[')) return missing("unexpected '[' in address");
    if (host.includes(']')) return missing("unexpected ']' in address");
  }
  if (hostport.slice(colon + 1).includes('[') || hostport.slice(colon + 1).includes(']')) return missing("unexpected ']' in address");
  return { host, port: hostport.slice(colon + 1) };
}

function tcpTarget(endpoint: string, resolver: 'passthrough' | 'dns'): ParsedTarget {
  const hp = splitHostPort(endpoint);
  if ('error' in hp) return { kind: 'invalid', goError: hp.error, resolver };
  let port: number;
  if (hp.port === '') port = 0;
  else if (/^[+-]?\d+$/.test(hp.port)) {
    port = Number(hp.port);
    if (!(port >= 0 && port <= 65535)) return { kind: 'invalid', goError: `address ${hp.port}: invalid port`, resolver };
  } else return { kind: 'invalid', goError: `lookup tcp/${hp.port}: unknown port`, resolver };
  return { kind: 'tcp', host: hp.host, port, resolver, authorityHost: hp.host };
}

export function parseTarget(address: string): ParsedTarget {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(address)?.[1]?.toLowerCase();
  if (scheme === 'unix') {
    const rest = address.slice('unix:'.length);
    const path = rest.startsWith('//') ? rest.replace(/^\/\/[^/]*/, '') : rest;
    return { kind: 'unix', path, authorityHost: 'localhost' };
  }
  if (scheme === 'dns' || scheme === 'passthrough') {
    const m = /^[A-Za-z]+:\/\/[^/]*\/(.*)$/.exec(address);
    const endpoint = m ? (m[1] as string) : address.slice(scheme.length + 1);
    return tcpTarget(endpoint, scheme === 'dns' ? 'dns' : 'passthrough');
  }
  return tcpTarget(address, 'passthrough');
}

/** Host and port for node:net, or null (the probe then reports the Go error). */
export function tcpEndpoint(address: string): { host: string; port: number } | null {
  const t = parseTarget(address);
  return t.kind === 'tcp' ? { host: t.host === '' ? '127.0.0.1' : t.host, port: t.port } : null;
}

/** The TCP host and port of an address, with a port (a starting server is waited for there). */
export function splitAddress(address: string): { host: string; port: number } | null {
  const e = tcpEndpoint(address);
  return e && e.port > 0 ? e : null;
}

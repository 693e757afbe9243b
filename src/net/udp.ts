/**
 * Binding a UDP socket with a clear error, shared by `serve` (src/responder/dhcp/server.ts) and
 * `probe` (src/probe/net.ts). Both bind the DHCP ports twice (0.0.0.0 for broadcasts, the interface
 * address for unicasts and for choosing the outgoing interface), so SO_REUSEADDR is always set; each
 * caller words its own error, since "port 67 in use" and "port 68 in use" call for different advice.
 */
import dgram from 'node:dgram';

export interface BindUdpOptions {
  /** Do not share the handle with cluster workers (Node's `exclusive`); irrelevant outside cluster. */
  exclusive?: boolean;
}

/**
 * Bind a broadcast-capable udp4 socket with SO_REUSEADDR to `address:port`. On failure the socket is
 * closed and the promise rejects with `bindError(code)` (`code` is the errno name, e.g. EADDRINUSE).
 * After a successful bind the socket has no 'error' listener: the caller attaches its own.
 */
export function bindUdp(port: number, address: string, bindError: (code: string) => Error, opts: BindUdpOptions = {}): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    const onError = (e: NodeJS.ErrnoException): void => {
      try {
        s.close();
      } catch {
        /* never opened */
      }
      reject(bindError(e.code ?? e.message));
    };
    s.once('error', onError);
    s.bind({ port, address, exclusive: opts.exclusive }, () => {
      s.off('error', onError);
      s.setBroadcast(true);
      resolve(s);
    });
  });
}

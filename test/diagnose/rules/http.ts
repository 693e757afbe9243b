/** UEFI HTTP boot over IPv4 for the rule tests: the DHCP round of an "HTTPClient" and one GET. */
import { BCAST_MAC, type Host, type Scenario } from '../../exchange/scenario.js';
import { dhcpOpt } from '../../../src/decode/dhcp/options.js';
import { ACK, FIN, PSH, SYN, ascii, tcp } from '../../ipv6/packets6.js';
import { dhcpSrv } from './fixtures.js';

export const httpClient: Host = { mac: '52:54:00:ef:00:16', ip: '192.0.2.130' };
const broadcast: Host = { mac: BCAST_MAC, ip: '255.255.255.255' };

/** DISCOVER/OFFER/REQUEST/ACK of an HTTP boot client; the server's replies carry `url` and option 60 "HTTPClient" as asked. */
export function httpDora(s: Scenario, o: { url?: string; echo60: boolean }): void {
  const request = (type: number) =>
    s.dhcp({ mac: httpClient.mac, ip: '0.0.0.0' }, 68, broadcast, 67, { op: 1, xid: 7, chaddr: httpClient.mac, options: [dhcpOpt.messageType(type), dhcpOpt.vendorClass('HTTPClient:Arch:00016:UNDI:003000'), dhcpOpt.clientArch([16])] });
  const reply = (type: number) => {
    const options = [dhcpOpt.messageType(type), dhcpOpt.serverId(dhcpSrv.ip), dhcpOpt.subnetMask('255.255.255.0')];
    if (o.echo60) options.push(dhcpOpt.vendorClass('HTTPClient'));
    if (o.url) options.push(dhcpOpt.bootFile(o.url, false));
    s.dhcp(dhcpSrv, 67, broadcast, 68, { op: 2, xid: 7, chaddr: httpClient.mac, yiaddr: httpClient.ip, siaddr: dhcpSrv.ip, options });
  };
  request(1);
  reply(2);
  request(3);
  reply(5);
}

/** A TCP connection to dhcpSrv:8080 with one GET /boot.efi answered by `status` and `length` body bytes. */
export function httpGet(s: Scenario, status: string, length: number): { request: number; response: number } {
  let c = 1000;
  let v = 5000;
  const toServer = (flags: number, payload = new Uint8Array(0)) => {
    const n = s.tcp(httpClient, dhcpSrv, tcp(1263, 8080, c, v, flags, payload));
    c += payload.length + (flags & (SYN | FIN) ? 1 : 0);
    return n;
  };
  const toClient = (flags: number, payload = new Uint8Array(0)) => {
    const n = s.tcp(dhcpSrv, httpClient, tcp(8080, 1263, v, c, flags, payload));
    v += payload.length + (flags & (SYN | FIN) ? 1 : 0);
    return n;
  };
  toServer(SYN);
  toClient(SYN | ACK);
  toServer(ACK);
  const request = toServer(PSH | ACK, ascii(`GET /boot.efi HTTP/1.1\r\nHost: ${dhcpSrv.ip}\r\n\r\n`));
  const response = toClient(PSH | ACK, ascii(`HTTP/1.0 ${status}\r\nContent-Length: ${length}\r\n\r\n`));
  for (let left = length; left > 0; left -= 1460) toClient(PSH | ACK, new Uint8Array(Math.min(1460, left)));
  toClient(FIN | ACK);
  return { request, response };
}

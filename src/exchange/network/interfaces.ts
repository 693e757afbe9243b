/**
 * On which capture interfaces a client's DHCP traffic was seen (issue 22). With two vantage points
 * in one analysis (a pcapng with two interfaces: the server's side and the client's port), an
 * OFFER seen on one and missing on the other shows on which side it was lost.
 */
import type { DhcpEvent } from '../../decode/events.js';
import type { ClientRecord } from '../types.js';

export function noteDhcpInterface(rec: ClientRecord | undefined, ev: DhcpEvent): void {
  if (!rec) return;
  const seen = (rec.interfacesSeen ??= { requests: [], replies: [] });
  const list = ev.dhcp.op === 1 ? 'requests' : 'replies';
  if (!seen[list].includes(ev.meta.interfaceId)) seen[list] = seen[list].concat([ev.meta.interfaceId]);
}

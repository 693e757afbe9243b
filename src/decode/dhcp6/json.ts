/**
 * The `dhcp6` object of `decode --json` (docs/ipv6-http-bsdp.md): the same conventions as the
 * DHCPv4 `dhcp` object -- every option in wire order as {code, name, length, value} with a typed
 * value for the options network boot uses and hex for the rest -- plus typed shortcuts.
 */
import { ipv6String } from '../ipv6.js';
import { toHex } from '../dhcp/suboptions.js';
import { decodeDhcp6, decodeDuid, decodeIaNa, decodeStatus, dhcp6OptionName, lengthPrefixedList } from './codec.js';
import type { Dhcp6Message, Dhcp6Option, Duid } from './types.js';

export interface Dhcp6OptionJson {
  code: number;
  name: string;
  length: number;
  value: unknown;
}

export interface Dhcp6Json {
  msgType: number;
  msgTypeName: string;
  transactionId: number;
  hopCount?: number;
  linkAddress?: string;
  peerAddress?: string;
  options: Dhcp6OptionJson[];
  clientId?: Duid;
  serverId?: Duid;
  bootfileUrl?: string;
  bootfileParams?: string[];
  clientArch?: number[];
  vendorClass?: string;
  vendorClassEnterprise?: number;
  userClass?: string[];
  nii?: { type: number; major: number; minor: number };
  status?: { code: number; message: string };
  /** The message inside a Relay-forw/Relay-repl (option 9), decoded the same way. */
  relayMessage?: Dhcp6Json;
  anomalies: string[];
}

function u16s(d: Uint8Array): number[] | undefined {
  if (d.length % 2 !== 0) return undefined;
  return Array.from({ length: d.length >> 1 }, (_, i) => ((d[2 * i] as number) << 8) | (d[2 * i + 1] as number));
}

/** A typed JSON value for one option instance; hex when it does not fit its type. */
export function dhcp6OptionValue(o: Dhcp6Option): unknown {
  const d = o.data;
  const scratch: string[] = [];
  let v: unknown;
  switch (o.code) {
    case 1:
    case 2:
      v = decodeDuid(d);
      break;
    case 3:
      v = decodeIaNa(d, scratch);
      break;
    case 6:
    case 61:
      v = u16s(d);
      break;
    case 7:
      v = d.length === 1 ? d[0] : undefined;
      break;
    case 8:
      v = d.length === 2 ? ((d[0] as number) << 8) | (d[1] as number) : undefined;
      break;
    case 9:
      v = dhcp6Json(decodeDhcp6(d));
      break;
    case 13:
      v = decodeStatus(d, scratch, 'option 13');
      break;
    case 14:
      v = d.length === 0 ? true : undefined;
      break;
    case 15:
    case 60:
      v = lengthPrefixedList(d, 0, o.code, scratch);
      break;
    case 16:
      v = d.length >= 4 ? { enterprise: (((d[0] as number) << 24) >>> 0) + (((d[1] as number) << 16) | ((d[2] as number) << 8) | (d[3] as number)), data: lengthPrefixedList(d, 4, 16, scratch) } : undefined;
      break;
    case 21:
    case 22:
    case 23:
    case 31:
      v = d.length > 0 && d.length % 16 === 0 ? Array.from({ length: d.length / 16 }, (_, i) => ipv6String(d, 16 * i)) : undefined;
      break;
    case 59: {
      let s = '';
      for (const c of d) s += String.fromCharCode(c);
      v = s;
      break;
    }
    case 62:
      v = d.length === 3 ? { type: d[0], major: d[1], minor: d[2] } : undefined;
      break;
  }
  // Anything that did not decode cleanly is shown as hex, so nothing is hidden.
  return v === undefined || scratch.length > 0 ? toHex(d) : v;
}

const TYPE_NAMES = ['', 'SOLICIT', 'ADVERTISE', 'REQUEST', 'CONFIRM', 'RENEW', 'REBIND', 'REPLY', 'RELEASE', 'DECLINE', 'RECONFIGURE', 'INFORMATION-REQUEST', 'RELAY-FORW', 'RELAY-REPL'];

export function dhcp6Json(m: Dhcp6Message): Dhcp6Json {
  const j: Dhcp6Json = {
    msgType: m.msgType,
    msgTypeName: TYPE_NAMES[m.msgType] || `type ${m.msgType}`,
    transactionId: m.transactionId,
    options: m.options.map((o) => ({ code: o.code, name: dhcp6OptionName(o.code), length: o.data.length, value: dhcp6OptionValue(o) })),
    anomalies: m.anomalies,
  };
  if (m.hopCount !== undefined) j.hopCount = m.hopCount;
  if (m.linkAddress !== undefined) j.linkAddress = m.linkAddress;
  if (m.peerAddress !== undefined) j.peerAddress = m.peerAddress;
  if (m.clientId) j.clientId = m.clientId;
  if (m.serverId) j.serverId = m.serverId;
  if (m.bootfileUrl !== undefined) j.bootfileUrl = m.bootfileUrl;
  if (m.bootfileParams) j.bootfileParams = m.bootfileParams;
  if (m.clientArch) j.clientArch = m.clientArch;
  if (m.vendorClass !== undefined) j.vendorClass = m.vendorClass;
  if (m.vendorClassEnterprise !== undefined) j.vendorClassEnterprise = m.vendorClassEnterprise;
  if (m.userClass) j.userClass = m.userClass;
  if (m.nii) j.nii = m.nii;
  if (m.status) j.status = m.status;
  if (m.relayMessage) j.relayMessage = dhcp6Json(m.relayMessage);
  // Keep anomalies last, as in the dhcp object.
  delete (j as Partial<Dhcp6Json>).anomalies;
  j.anomalies = m.anomalies;
  return j;
}

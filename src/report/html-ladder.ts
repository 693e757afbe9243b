/**
 * A client's ladder diagram as inline SVG, drawn from the same layout as the terminal one
 * (diagram-layout.ts). No external references: arrow heads are polygons, not <marker>s with ids.
 */
import type { AnalysisJson } from './schema.js';
import type { Finding } from '../diagnose/finding.js';
import { foldedText, formatOffset, formatSeconds, roleTitle, type Ladder, type LadderArrow } from './diagram-layout.js';
import { arrowLabel, frameText } from './diagram.js';
import { escapeHtml as esc } from './html-escape.js';

const GUTTER = 78;
const COL = 160;
const HEAD = 58;
const ROW = 30;
/**
 * Width of the notes beside the arrows: as wide as the longest note, at least NOTES_MIN, and no
 * wider than what keeps the whole picture within FIT px (a client section on a 1400 px window).
 */
const NOTES_MIN = 500;
const FIT = 1240;
/** Pixels per character of a note at 12px sans-serif (generous: labels are mostly digits and capitals). */
const CHAR_PX = 6.8;

const MARK_GLYPH: Record<Finding['severity'], string> = { error: '✖', warning: '▲', info: 'ℹ' };

export function ladderSvg(ladder: Ladder): string {
  const n = ladder.participants.length;
  const center = (i: number): number => GUTTER + COL / 2 + i * COL;
  const notesX = GUTTER + n * COL + 8;
  // As wide as the longest note (and finding line), so that nothing is cut where there is room;
  // past FIT the note is cut and the tooltip holds all of it.
  let longest = 0;
  for (const row of ladder.rows) {
    if (row.type === 'arrow') longest = Math.max(longest, noteText(row).length + frameText(row.frames).length + 1);
    else if (row.type === 'finding') longest = Math.max(longest, markText(row.finding).length - Math.floor((notesX - GUTTER - COL / 2 - 16) / CHAR_PX));
  }
  const notes = Math.max(NOTES_MIN, Math.min(FIT - notesX, Math.ceil(longest * CHAR_PX) + 16));
  const noteChars = Math.floor((notes - 16) / CHAR_PX);
  const width = notesX + notes;
  const height = HEAD + ladder.rows.length * ROW + 24;
  const parts: string[] = [];
  parts.push(
    `<svg class="ladder" data-client="${esc(ladder.client.mac)}" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(`Ladder diagram of client ${ladder.client.mac}`)}">`,
  );
  ladder.participants.forEach((p, i) => {
    const x = center(i);
    const kind = i === 0 ? 'client' : p.roles[0]!;
    parts.push(
      `<g class="participant ${kind}"><rect x="${x - COL / 2 + 8}" y="6" width="${COL - 16}" height="40" rx="6"/>` +
        `<text class="addr" x="${x}" y="23">${esc(p.address)}</text><text class="role" x="${x}" y="39">${esc(roleTitle(p))}</text>` +
        `<line class="lifeline" x1="${x}" y1="46" x2="${x}" y2="${height - 8}"/></g>`,
    );
  });
  if (ladder.rows.length === 0) {
    parts.push(`<text class="note" x="${notesX}" y="${HEAD + 16}">(no messages)</text>`);
  }
  ladder.rows.forEach((row, r) => {
    const y = HEAD + r * ROW + 20;
    if (row.type === 'arrow') parts.push(arrowSvg(row, y, center, notesX, noteChars));
    else if (row.type === 'more') {
      parts.push(`<text class="more" x="${center(0) + 16}" y="${y + 4}">(${row.messages} more message${row.messages === 1 ? '' : 's'} not drawn: see analyze --json)</text>`);
    } else {
      const f = row.finding;
      const x = center(0);
      const full = markText(f);
      // Keep the text inside the band; the tooltip has all of it.
      const room = Math.floor((width - x - 28) / CHAR_PX);
      const text = full.length > room ? `${full.slice(0, room - 1)}…` : full;
      parts.push(
        `<g class="mark ${f.severity}" data-finding="${esc(f.id)}"><title>${esc(`${f.title}\n${f.cause}\nFix: ${f.fix}`)}</title>` +
          `<rect class="band" x="${GUTTER - 4}" y="${y - 14}" width="${width - GUTTER}" height="22" rx="4"/>` +
          `<circle cx="${x}" cy="${y - 3}" r="9"/><text class="glyph" x="${x}" y="${y + 1}">${MARK_GLYPH[f.severity]}</text>` +
          `<text class="mark-text" x="${x + 16}" y="${y + 1}">${esc(text)}</text></g>`,
      );
    }
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function markText(f: Finding): string {
  return `${f.severity} ${f.id}: ${f.title}${f.frames.length ? `  [frames ${f.frames.join(', ')}]` : ''}`;
}

/** The words beside an arrow (its frame number apart). */
function noteText(a: LadderArrow): string {
  const extras: string[] = [];
  const label = arrowLabel(a.entry.kind, a.entry.label, true);
  if (label) extras.push(label);
  if (a.broadcast && a.from === 0) extras.push('(broadcast)');
  if (a.multicast && a.from === 0) extras.push('(multicast)');
  if (a.repeatOffsets) extras.push(foldedText(a.repeatOffsets));
  return extras.join('  ');
}

function arrowSvg(a: LadderArrow, y: number, center: (i: number) => number, notesX: number, noteChars: number): string {
  const e = a.entry;
  const x1 = center(a.from);
  // A message with nobody else to draw it to gets a short stub.
  const x2 = a.from === a.to ? x1 + 40 : center(a.to);
  const dir = x2 > x1 ? 1 : -1;
  const tip = x2 - dir * 2;
  const head = `${tip},${y} ${tip - dir * 10},${y - 5} ${tip - dir * 10},${y + 5}`;
  const tail = x1 + dir * 2;
  // A collapsed TFTP transfer went both ways (RRQ out, DATA back): a head at each end.
  const backHead = a.both ? `<polygon points="${tail},${y} ${tail + dir * 10},${y - 5} ${tail + dir * 10},${y + 5}"/>` : '';
  const classes = ['arrow', a.alarming ? 'alarming' : '', a.broadcast ? 'broadcast' : '', a.multicast ? 'multicast' : '', `kind-${e.kind.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`]
    .filter(Boolean)
    .join(' ');
  const note = noteText(a);
  const room = noteChars - frameText(a.frames).length - 1;
  const shown = note.length > room ? `${note.slice(0, room - 1)}…` : note;
  return (
    `<g class="${classes}" data-frame="${e.frame}" data-frames="${a.frames.join(' ')}"><title>${esc(`frame ${e.frame}: ${e.kind} ${e.from} → ${e.to}\n${e.label}`)}</title>` +
    `<text class="time" x="${GUTTER - 8}" y="${y + 4}">${formatOffset(a.at)}</text>` +
    `<line x1="${a.both ? tail + dir * 8 : x1}" y1="${y}" x2="${tip - dir * 8}" y2="${y}"/><polygon points="${head}"/>${backHead}` +
    `<text class="kind" x="${(x1 + x2) / 2}" y="${y - 6}">${esc(e.kind)}</text>` +
    `<text class="note" x="${notesX}" y="${y + 4}">${esc(shown)} <tspan class="frame">${frameText(a.frames)}</tspan></text></g>`
  );
}

/**
 * All clients on one time axis: a lane per client from its first to its last message, a dot per
 * message, the findings as marks. Shows at a glance who started when and where each one stopped.
 */
export function timelineSvg(analysis: AnalysisJson, ladders: Ladder[]): string {
  const lane = 28;
  const left = 150;
  const right = 40;
  const plot = 760;
  const width = left + plot + right;
  const height = 30 + ladders.length * lane + 26;
  const times = ladders.flatMap((l) => l.client.timeline.map((e) => e.time));
  const t0 = times.length ? Math.min(...times) : 0;
  const t1 = Math.max(times.length ? Math.max(...times) : 0, t0 + 1e-3);
  const x = (t: number): number => left + ((t - t0) / (t1 - t0)) * plot;
  const parts: string[] = [
    `<svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Timeline of all clients">`,
  ];
  const step = niceStep((t1 - t0) / 5);
  for (let k = 0; k * step <= t1 - t0 + 1e-9; k++) {
    const tx = x(t0 + k * step);
    parts.push(`<line class="tick" x1="${tx}" y1="22" x2="${tx}" y2="${height - 22}"/><text class="axis" x="${tx}" y="${height - 8}">${formatSeconds(k * step)} s</text>`);
  }
  ladders.forEach((l, i) => {
    const y = 34 + i * lane;
    const tl = l.client.timeline;
    const state = l.client.ok ? 'ok' : 'fail';
    parts.push(`<g class="lane ${state}" data-client="${esc(l.client.mac)}"><text class="lane-name" x="${left - 10}" y="${y + 4}">${esc(l.client.mac)}</text>`);
    if (tl.length > 0) {
      parts.push(`<line class="span" x1="${x(tl[0]!.time)}" y1="${y}" x2="${x(tl[tl.length - 1]!.time)}" y2="${y}"/>`);
      for (const e of tl) {
        const alarming = e.kind === 'NAK' || e.kind === 'ERROR' || e.kind === 'ICMP';
        parts.push(`<circle class="dot${alarming ? ' alarming' : ''}" cx="${x(e.time)}" cy="${y}" r="4"><title>${esc(`${formatOffset(e.time - t0)} s  ${e.kind}  ${e.label}  #${e.frame}`)}</title></circle>`);
      }
    }
    // A mark goes where the ladder put it: at the message it follows.
    let lastTime = tl[0]?.time ?? t0;
    for (const row of l.rows) {
      if (row.type === 'arrow') lastTime = row.entry.time;
      if (row.type !== 'finding') continue;
      const f = row.finding;
      const at = f.time ?? lastTime;
      parts.push(`<text class="lane-mark ${f.severity}" x="${x(at)}" y="${y - 7}"><title>${esc(`${f.id}: ${f.title}`)}</title>${MARK_GLYPH[f.severity]}</text>`);
    }
    parts.push('</g>');
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** A round axis step (1, 2 or 5 times a power of ten) of about `rough` seconds. */
function niceStep(rough: number): number {
  const p = 10 ** Math.floor(Math.log10(rough));
  const m = rough / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

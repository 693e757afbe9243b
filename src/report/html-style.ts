/** The report's stylesheet, inlined into the page (system fonts only: nothing to fetch). */
export const HTML_STYLE = `
:root { --fg:#1d2330; --muted:#5d6675; --line:#d5dae3; --bg:#f6f7fa; --card:#fff; --ok:#17803d; --okbg:#e5f5ea;
  --err:#c4262e; --errbg:#fdecec; --warn:#b26b00; --warnbg:#fff4e0; --info:#2463b5; --infobg:#e8f0fb; --accent:#33507a; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 48px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  color: var(--fg); background: var(--bg); }
h1 { font-size: 22px; margin: 0 0 10px; } h2 { font-size: 18px; margin: 0 0 12px; } h3 { font-size: 15px; margin: 18px 0 8px; color: var(--accent); }
h4 { font-size: 14px; margin: 0 0 6px; }
header, section { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin: 0 0 18px; }
section.client.fail { border-left: 5px solid var(--err); } section.client.ok { border-left: 5px solid var(--ok); } section.client.warn { border-left: 5px solid var(--warn); }
section.client.other { border-left: 5px solid var(--line); }
.counts { list-style: none; margin: 0 0 14px; padding: 0; display: flex; flex-wrap: wrap; gap: 6px 18px; }
.counts .count { font-weight: 700; font-variant-numeric: tabular-nums; }
.cards { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 10px; }
.card { border: 1px solid var(--line); border-left-width: 4px; border-radius: 6px; padding: 8px 12px; min-width: 0; }
.card.fail { border-left-color: var(--err); background: #fffafa; } .card.ok { border-left-color: var(--ok); } .card.warn { border-left-color: var(--warn); }
.card .mac { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-weight: 700; white-space: nowrap; margin-right: 4px; }
.card-facts { color: var(--muted); font-size: 13px; margin: 4px 0; overflow-wrap: anywhere; } .card-findings { display: flex; flex-wrap: wrap; gap: 3px; }
.verdict-rest { font-weight: 600; margin-left: 4px; } .verdict-rest .id, .pill, code { white-space: nowrap; }
.legend { list-style: none; margin: 0; padding: 0; display: grid; gap: 4px; }
.legend li { display: flex; align-items: center; gap: 10px; } .legend svg { flex: none; }
.lg-solid { stroke: var(--accent); stroke-width: 1.6; } .lg-dashed { stroke: var(--accent); stroke-width: 1.6; stroke-dasharray: 7 3; }
.lg-head { fill: var(--accent); } .lg-alarm { stroke: var(--err); stroke-width: 1.6; } .lg-alarm-head { fill: var(--err); }
.lg-mark { font-weight: 700; margin-right: 4px; } .lg-mark.error { color: var(--err); } .lg-mark.warning { color: var(--warn); } .lg-mark.info { color: var(--info); }
.facts { display: flex; flex-wrap: wrap; gap: 6px 28px; margin: 0; }
.facts div { min-width: 0; } .facts dt { font-size: 11px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.facts dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
.warnings { margin-top: 10px; padding: 8px 12px; background: var(--warnbg); border-radius: 6px; }
.warnings ul { margin: 4px 0 0; padding-left: 20px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
th { background: #eef1f6; font-weight: 600; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.fail td { background: #fff7f7; }
table.timeline td.mac, table.timeline td.num, table.timeline td.kind, table.timeline th { white-space: nowrap; overflow-wrap: normal; }
table.timeline td.addr { overflow-wrap: normal; }
/* A narrow screen (a phone, a split window): each table row becomes a card of label: value lines. */
@media (max-width: 700px) {
  body { padding: 10px 8px 32px; } header, section { padding: 12px 12px; }
  table.offers thead, table.transfers thead, table.timeline thead { display: none; }
  table.offers tr, table.transfers tr, table.timeline tr { display: block; border: 1px solid var(--line); border-radius: 6px; margin: 0 0 8px; padding: 4px 0; }
  table.offers td, table.transfers td, table.timeline td { display: flex; gap: 10px; border: 0; padding: 2px 10px; text-align: left; white-space: normal; }
  table.offers td::before, table.transfers td::before, table.timeline td::before { content: attr(data-label); flex: 0 0 38%; color: var(--muted); font-size: 12px; }
  table.timeline td.mac, table.timeline td.num, table.timeline td.kind { white-space: nowrap; }
}
a { color: var(--info); text-decoration: none; } a:hover { text-decoration: underline; }
.badge { display: inline-block; padding: 1px 9px; border-radius: 10px; font-size: 12px; font-weight: 700; vertical-align: middle; }
.badge.ok { background: var(--okbg); color: var(--ok); } .badge.fail { background: var(--errbg); color: var(--err); } .badge.warn { background: var(--warnbg); color: var(--warn); }
.badge.other { background: #eef1f6; color: var(--muted); }
.pill { display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 12px; font-weight: 600; }
.pill.error { background: var(--errbg); color: var(--err); } .pill.warning { background: var(--warnbg); color: var(--warn); } .pill.info { background: var(--infobg); color: var(--info); }
.none { color: var(--muted); } .verdict { font-weight: 600; margin: 0 0 10px; }
.finding { border: 1px solid var(--line); border-left-width: 4px; border-radius: 6px; padding: 10px 14px; margin: 0 0 10px; }
.finding.error { border-left-color: var(--err); } .finding.warning { border-left-color: var(--warn); } .finding.info { border-left-color: var(--info); }
.finding p { margin: 4px 0; } .finding code, .fw code { background: #f0f2f6; padding: 0 4px; border-radius: 3px; font-size: 12px; }
.frame { display: inline-block; min-width: 22px; padding: 0 5px; margin: 0 2px 2px 0; border: 1px solid var(--line); border-radius: 4px;
  text-align: center; font-variant-numeric: tabular-nums; font-size: 12px; }
.diagram { overflow-x: auto; padding: 4px 0; }
svg { display: block; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
svg text { font-size: 12px; fill: var(--fg); }
.participant rect { fill: #eef2f8; stroke: #9fb0c8; } .participant.client rect { fill: #e4ecfa; stroke: var(--accent); }
.participant text { text-anchor: middle; } .participant .addr { font-weight: 700; } .participant .role { fill: var(--muted); font-size: 11px; }
.lifeline { stroke: #9fb0c8; stroke-dasharray: 4 4; }
.arrow line { stroke: var(--accent); stroke-width: 1.6; } .arrow polygon { fill: var(--accent); }
.arrow.broadcast line, .arrow.multicast line { stroke-dasharray: 7 3; }
.arrow.alarming line { stroke: var(--err); } .arrow.alarming polygon { fill: var(--err); } .arrow.alarming .kind { fill: var(--err); }
.arrow .kind { text-anchor: middle; font-weight: 700; font-size: 11px; paint-order: stroke; stroke: #fff; stroke-width: 4px; }
.arrow .time { text-anchor: end; fill: var(--muted); font-variant-numeric: tabular-nums; font-size: 11px; }
.arrow .note { fill: var(--fg); } .arrow .frame { fill: var(--muted); font-size: 11px; }
.mark .band { fill: var(--errbg); } .mark.warning .band { fill: var(--warnbg); } .mark.info .band { fill: var(--infobg); }
.mark circle { fill: var(--err); } .mark.warning circle { fill: var(--warn); } .mark.info circle { fill: var(--info); }
.mark .glyph { fill: #fff; text-anchor: middle; font-size: 11px; font-weight: 700; }
.mark .mark-text { font-weight: 600; fill: var(--err); } .mark.warning .mark-text { fill: var(--warn); } .mark.info .mark-text { fill: var(--info); }
.timeline .tick { stroke: var(--line); } .timeline .axis { fill: var(--muted); font-size: 11px; text-anchor: middle; }
.lane .lane-name { text-anchor: end; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
.lane .span { stroke: #9fb0c8; stroke-width: 6; stroke-linecap: round; } .lane.ok .span { stroke: #9fd3ae; } .lane.fail .span { stroke: #f0b4b4; }
.lane .dot { fill: var(--accent); stroke: #fff; stroke-width: 1; } .lane .dot.alarming { fill: var(--err); }
.lane-mark { text-anchor: middle; font-size: 13px; font-weight: 700; } .lane-mark.error { fill: var(--err); } .lane-mark.warning { fill: var(--warn); } .lane-mark.info { fill: var(--info); }
svg .more { fill: var(--muted); font-style: italic; }
footer { color: var(--muted); font-size: 12px; text-align: center; }
@media print { body { background: #fff; padding: 0; } header, section { break-inside: avoid; border-color: #bbb; } }
`;

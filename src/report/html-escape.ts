/**
 * Escaping for the HTML report. Everything that comes from a capture (file names, DHCP strings,
 * TFTP file names, error messages) goes through here: it can hold anything.
 */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Safe in element text and in double- or single-quoted attribute values (HTML and SVG alike). */
export function escapeHtml(value: unknown): string {
  // C0 controls other than tab/newline are not allowed in HTML text; show them as U+FFFD.
  return String(value)
    .replace(/[&<>"']/g, (c) => ENTITIES[c]!)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\ufffd');
}

/** An element id made only of [a-z0-9-], so it is safe in attributes and in `#fragment` links. */
export function htmlId(prefix: string, value: string): string {
  return `${prefix}-${value.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
}

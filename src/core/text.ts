// Shortening text for one-line display (Temporal summaries, CLI previews). Pure and dependency-free: workflow code
// uses it too.

/** `text` on one line (runs of whitespace become one space), cut to at most `limit` characters with a trailing `…`. */
export function oneLine(text: string, limit: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > limit ? `${flat.slice(0, limit - 1)}…` : flat;
}

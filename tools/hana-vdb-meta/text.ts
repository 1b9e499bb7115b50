/** Plain-text layout for an 80-column terminal: wrapping, shortening, and a last-resort line fit. */

export const WIDTH = 80;
const ELLIPSIS = '…';

/** Shorten to `width` characters, marking the cut with an ellipsis. */
export function truncate(text: string, width: number): string {
  if (text.length <= width) return text;
  return width <= 1 ? ELLIPSIS.slice(0, width) : `${text.slice(0, width - 1)}${ELLIPSIS}`;
}

/** Words into lines of at most `width` characters; words longer than a line are broken (log lines, paths). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.replace(/\r\n?/g, '\n').split('\n')) {
    let line = '';
    for (let word of paragraph.split(/[ \t]+/).filter((w) => w !== '')) {
      while (word.length > width) {
        if (line) {
          lines.push(line);
          line = '';
        }
        lines.push(word.slice(0, width));
        word = word.slice(width);
      }
      if (!line) line = word;
      else if (line.length + 1 + word.length <= width) line += ` ${word}`;
      else {
        lines.push(line);
        line = word;
      }
    }
    lines.push(line);
  }
  while (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * `text` wrapped to `width`, at most `maxLines` lines (the last one marked with an ellipsis when cut);
 * `cut` tells whether anything was left out.
 */
export function wrapLimited(text: string, width: number, maxLines: number): { lines: string[]; cut: boolean } {
  const all = wrap(text, width);
  if (all.length <= maxLines) return { lines: all, cut: false };
  const lines = all.slice(0, maxLines);
  const last = lines[maxLines - 1]!;
  lines[maxLines - 1] = last.length < width ? `${last}${ELLIPSIS}` : `${last.slice(0, width - 1)}${ELLIPSIS}`;
  return { lines, cut: true };
}

/** A labelled value whose continuation lines align under the value. */
export function labelled(indent: number, label: string, labelWidth: number, lines: string[]): string[] {
  const pad = ' '.repeat(indent);
  const width = Math.max(labelWidth, label.length + 1);
  return lines.map((l, i) => `${pad}${(i === 0 ? label : '').padEnd(width)}${l}`.trimEnd());
}

/** Every line within WIDTH (long names are the only thing that can still overflow). */
export function fitLines(lines: string[]): string {
  return lines.map((l) => truncate(l, WIDTH)).join('\n') + '\n';
}

/** "12 s", or "3723 s (1h 02m 03s)" from a minute on; negative values keep their sign. */
export function formatSeconds(s: number): string {
  const abs = Math.abs(s);
  if (abs < 60) return `${s} s`;
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  const sec = abs % 60;
  const human =
    h > 0 ? `${h}h ${String(m).padStart(2, '0')}m ${String(sec).padStart(2, '0')}s` : `${m}m ${String(sec).padStart(2, '0')}s`;
  return `${s} s (${s < 0 ? '-' : ''}${human})`;
}

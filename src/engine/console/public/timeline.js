// One VDB recovery drawn on a time axis: the time that was requested (RECOVER ... UNTIL TIMESTAMP), the
// point HANA reached, when the recovery ran, and how far log backups covered. The gap between requested
// and achieved is a shaded band, so a recovery that fell short is seen at a glance.

import { duration, h, s, time } from './dom.js';

const W = 960;
const H = 150;
const PAD = 70;
const AXIS_Y = 110;

const ms = (iso) => (iso ? Date.parse(iso) : NaN);

function hhmmss(t) {
  return new Date(t).toISOString().slice(11, 19);
}

function describeGap(gap) {
  if (gap === 0) return 'reached exactly the requested time';
  return gap > 0 ? `short by ${duration(gap)}` : `past the requested time by ${duration(-gap)}`;
}

/** Five labelled ticks along the axis from lo to hi. */
function axisTicks(lo, hi, x) {
  const ticks = [];
  for (let i = 0; i <= 4; i++) {
    const t = lo + ((hi - lo) * i) / 4;
    ticks.push(
      s('line', { x1: x(t), x2: x(t), y1: AXIS_Y, y2: AXIS_Y + 5, class: 'tick' }),
      s('text', { x: x(t), y: AXIS_Y + 20, 'text-anchor': 'middle', class: 'tick-label' }, `${hhmmss(t)}Z`),
    );
  }
  return ticks;
}

/** A recovery executed long after the requested time: an arrow at the right edge instead of a marker. */
function executedLater(executed, requested) {
  return s(
    'text',
    { x: W - 4, y: 30, 'text-anchor': 'end', class: 'mark executed later' },
    `executed ${hhmmss(executed)}Z, ${duration((executed - requested) / 1000)} after the requested time →`,
  );
}

/** The requested time on the axis: a diamond. */
function requestedDiamond(px) {
  return s('rect', {
    x: px - 5,
    y: AXIS_Y - 5,
    width: 10,
    height: 10,
    class: 'dot-requested',
    transform: `rotate(45 ${px} ${AXIS_Y})`,
  });
}

export function recoveryTimeline(entry, index) {
  const m = entry.metadata ?? {};
  const requested = ms(m.recoveryTimestamp);
  const achieved = ms(m.achievedTimestamp);
  const executed = ms(m.executionTimestamp);
  const covered = ms(m.coverage?.coveredUntil);
  // The axis spans what is compared (requested, achieved, log coverage), with room on both sides, so the gap
  // gets a good part of the width; a recovery executed long after is an arrow at the right edge.
  const points = [requested, achieved, covered].filter(Number.isFinite);
  const title = `${entry.operation} (job ${entry.jobId}): ${entry.outcome}`;
  if (!Number.isFinite(requested) || !Number.isFinite(achieved)) {
    return h(
      'p',
      { class: 'timeline-missing' },
      `${title}: no recovery timestamps recorded${entry.error ? ` (${entry.error})` : ''}.`,
    );
  }
  const span = Math.max(Math.max(...points) - Math.min(...points), 120_000);
  const lo = Math.min(...points) - span * 0.5;
  const hi = Math.max(...points) + span * 0.5;
  const x = (t) => PAD + ((t - lo) / (hi - lo)) * (W - 2 * PAD);
  const gap = (requested - achieved) / 1000;
  const drift = typeof m.driftSeconds === 'number' ? m.driftSeconds : Math.abs(gap);
  const gapText = describeGap(gap);
  const id = `tl-${index}`;
  const anchor = (px) => (px < W * 0.2 ? 'start' : px > W * 0.8 ? 'end' : 'middle');
  const marker = (t, y, cls, label) => {
    const px = x(t);
    return s(
      'g',
      { class: cls },
      s('line', { x1: px, x2: px, y1: y + 4, y2: AXIS_Y }),
      s('text', { x: px, y, 'text-anchor': anchor(px) }, `${label} ${hhmmss(t)}Z`),
    );
  };
  const ticks = axisTicks(lo, hi, x);
  const left = Math.min(x(requested), x(achieved));
  const width = Math.max(Math.abs(x(requested) - x(achieved)), 2);
  const summary =
    `Requested ${time(m.recoveryTimestamp)}, achieved ${time(m.achievedTimestamp)} ` +
    `(${gapText}), executed ${time(m.executionTimestamp)}` +
    `${Number.isFinite(covered) ? `, log backups covered until ${time(m.coverage.coveredUntil)}` : ''}.`;
  return h(
    'figure',
    { class: 'timeline' },
    s(
      'svg',
      {
        viewBox: `0 0 ${W} ${H}`,
        width: '100%',
        role: 'img',
        'aria-labelledby': `${id}-title ${id}-desc`,
        class: gap > 0 ? 'short' : 'exact',
      },
      s('title', { id: `${id}-title` }, title),
      s('desc', { id: `${id}-desc` }, summary),
      s('rect', { x: left, y: 58, width, height: AXIS_Y - 58, class: 'gap' }),
      gap !== 0
        ? s(
            'text',
            { x: left + width / 2, y: 78, 'text-anchor': anchor(left + width / 2), class: 'gap-label' },
            `${gapText} (drift ${duration(drift)})`,
          )
        : null,
      s('line', { x1: PAD, x2: W - PAD, y1: AXIS_Y, y2: AXIS_Y, class: 'axis' }),
      ticks,
      Number.isFinite(covered) ? marker(covered, 46, 'mark covered', 'log backups until') : null,
      marker(requested, 14, 'mark requested', 'requested'),
      marker(achieved, 30, 'mark achieved', 'achieved'),
      Number.isFinite(executed) && executed <= hi ? marker(executed, 30, 'mark executed', 'executed') : null,
      Number.isFinite(executed) && executed > hi ? executedLater(executed, requested) : null,
      s('circle', { cx: x(achieved), cy: AXIS_Y, r: 6, class: 'dot-achieved' }),
      requestedDiamond(x(requested)),
    ),
    h('figcaption', {}, h('strong', {}, title), ' — ', summary),
  );
}

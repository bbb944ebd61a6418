import type * as messages from '@cucumber/messages';
import { FINDING_MEDIA_TYPE, type Finding, type Status } from '../findings.js';
import { escapeControl } from './terminal.js';
import { redact } from './redact.js';

/**
 * Live progress while the features run, fed by the same message stream as the reports. On a
 * terminal: one line rewritten in place (rules judged so far, counts by status, the stage now
 * running). Elsewhere (CI logs): one line per stage as it starts, so a hang shows where it is.
 */

export interface ProgressSink {
  write(s: string): unknown;
}

const SYMBOL: Readonly<Record<Status, string>> = { passed: '✓', failed: '✗', error: '!', skipped: '○', disabled: '–', 'expected-failure': '≈' };

export class Progress {
  private total = 0;
  private done = 0;
  private readonly counts = new Map<Status, number>();
  private readonly stepText = new Map<string, { text: string; type: string }>();
  private readonly pickleSteps = new Map<string, { text: string; type: string }>();
  private readonly announced = new Set<string>();
  /** Pickles of the network stages (tagged @network), which --offline does not run. */
  private readonly networkPickles = new Set<string>();
  private readonly networkSteps = new Set<string>();
  private current = '';
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly out: ProgressSink,
    private readonly tty: boolean,
    private readonly now: () => number = () => Date.now(),
    private readonly columns: number = 100,
    /** --offline: the dial, register and smoke stages are shown as not run. */
    private readonly offline: boolean = false,
  ) {}

  onEnvelope(e: messages.Envelope): void {
    if (e.pickle) {
      for (const s of e.pickle.steps) this.pickleSteps.set(s.id, { text: s.text, type: s.type ?? 'Unknown' });
      if (e.pickle.tags.some((t) => t.name === '@network')) this.networkPickles.add(e.pickle.id);
    }
    if (e.testCase) {
      this.total++;
      const network = this.networkPickles.has(e.testCase.pickleId);
      for (const ts of e.testCase.testSteps) {
        const ps = ts.pickleStepId ? this.pickleSteps.get(ts.pickleStepId) : undefined;
        if (ps) this.stepText.set(ts.id, ps);
        if (network) this.networkSteps.add(ts.id);
      }
    }
    if (e.testStepStarted) {
      const st = this.stepText.get(e.testStepStarted.testStepId);
      if (st && st.type === 'Action') {
        const notRun = this.offline && this.networkSteps.has(e.testStepStarted.testStepId);
        this.current = notRun ? '' : st.text;
        if (!this.announced.has(st.text)) {
          this.announced.add(st.text);
          if (!this.tty) this.out.write(notRun ? `– ${escapeControl(redact(st.text))}: not run (--offline)\n` : `· ${escapeControl(redact(st.text))}\n`);
        }
      }
    }
    if (e.attachment?.mediaType === FINDING_MEDIA_TYPE) {
      try {
        const f = JSON.parse(e.attachment.body) as Finding;
        this.counts.set(f.status, (this.counts.get(f.status) ?? 0) + 1);
      } catch {
        // not ours to judge here: the report says what was wrong with it
      }
    }
    if (e.testCaseFinished && !e.testCaseFinished.willBeRetried) this.done++;
    if (this.tty) this.draw(e.testCaseFinished !== undefined && this.done === this.total);
  }

  line(): string {
    const counts = (['passed', 'failed', 'error', 'skipped', 'disabled'] as const)
      .filter((s) => (this.counts.get(s) ?? 0) > 0)
      .map((s) => `${SYMBOL[s]} ${this.counts.get(s)}`)
      .join('  ');
    const width = String(this.total).length;
    return escapeControl(redact(`[${String(this.done).padStart(width)}/${this.total}] ${counts}${this.current ? `  · ${this.current}` : ''}`));
  }

  private draw(force: boolean): void {
    const t = this.now();
    if (!force && t - this.lastDraw < 80) return;
    this.lastDraw = t;
    this.drawn = true;
    const l = this.line();
    // A wrapped line cannot be rewritten in place.
    this.out.write(`\r\x1b[2K${l.length >= this.columns ? `${l.slice(0, Math.max(10, this.columns - 2))}…` : l}`);
  }

  /** Clears the live line (the summary follows). */
  end(): void {
    if (this.tty && this.drawn) this.out.write('\r\x1b[2K');
  }
}

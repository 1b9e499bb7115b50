/**
 * Simulated time. Driven: it stands still between set()/advance() (deterministic tests); otherwise it
 * runs with real time plus an offset. Every change is written to <root>/clock.json as
 * {"offsetMs": simulatedNow - realNow}, the ClockFile the Backint agent reads.
 */
import { writeFileSync, renameSync, readFileSync, existsSync } from 'node:fs';

export interface ClockState {
  driven: boolean;
  /** Driven: the simulated instant (epoch ms). Not driven: offset to real time. */
  frozenMs: number;
  offsetMs: number;
}

export class SimClock {
  private state: ClockState;
  constructor(
    private readonly file: string,
    initial: ClockState,
  ) {
    this.state = initial;
    this.persist();
  }

  static load(file: string): ClockState | undefined {
    if (!existsSync(file)) return undefined;
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<ClockState> & { offsetMs: number };
    if (typeof raw.driven !== 'boolean' || typeof raw.frozenMs !== 'number') return undefined;
    return { driven: raw.driven, frozenMs: raw.frozenMs, offsetMs: raw.offsetMs };
  }

  get driven(): boolean {
    return this.state.driven;
  }

  nowMs(): number {
    return this.state.driven ? this.state.frozenMs : Date.now() + this.state.offsetMs;
  }

  /** Moves simulated time to `ms` (never used to go backwards by the event loop; set() may). */
  setMs(ms: number): void {
    if (this.state.driven) this.state = { ...this.state, frozenMs: ms };
    else this.state = { ...this.state, offsetMs: ms - Date.now() };
    this.persist();
  }

  /** Rewrite clock.json so the agent's view (realNow + offsetMs) matches a frozen clock again. */
  persist(): void {
    const offsetMs = this.state.driven ? this.state.frozenMs - Date.now() : this.state.offsetMs;
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify({ offsetMs, driven: this.state.driven, frozenMs: this.state.frozenMs }) + '\n');
    renameSync(tmp, this.file);
  }
}

import { progressLine, type ProgressSnapshot } from './progress-format';

const TTY_REDRAW_MS = 100;
const PLAIN_LINE_MS = 5000;
const BAR_WIDTH = 24;

/**
 * Progress on stderr (stdout stays clean for `--json`): a redrawn bar on a terminal, a plain line
 * every few seconds otherwise (CI logs, pipes), never both.
 */
export class ProgressReporter {
  private readonly startMs = Date.now();
  private lastDrawMs = 0;
  private drawn = false;
  private readonly tty: boolean;

  constructor(
    private readonly totalBytes: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly enabled = true,
  ) {
    this.tty = stream.isTTY === true;
  }

  update(bytesRead: number, rows: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDrawMs < (this.tty ? TTY_REDRAW_MS : PLAIN_LINE_MS)) return;
    this.lastDrawMs = now;
    this.draw(this.snapshot(bytesRead, rows, now));
  }

  done(bytesRead: number, rows: number): void {
    if (!this.enabled) return;
    if (this.tty) {
      this.draw(this.snapshot(bytesRead, rows, Date.now()));
      this.stream.write('\n');
    } else if (this.drawn) {
      this.draw(this.snapshot(bytesRead, rows, Date.now()));
    }
  }

  private snapshot(bytesRead: number, rows: number, now: number): ProgressSnapshot {
    return { bytesRead, totalBytes: this.totalBytes, rows, elapsedMs: now - this.startMs };
  }

  private draw(snapshot: ProgressSnapshot): void {
    this.drawn = true;
    if (this.tty) this.stream.write(`\r${progressLine(snapshot, BAR_WIDTH)}\x1b[K`);
    else this.stream.write(`import: ${progressLine(snapshot, null)}\n`);
  }
}

import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';

/** Whether a broker answers on this port (the bus specs skip, saying so, when it does not). */
export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    const timer = setTimeout(() => (socket.destroy(), resolve(false)), 1000);
    socket.once('connect', () => (clearTimeout(timer), socket.destroy(), resolve(true)));
    socket.once('error', () => (clearTimeout(timer), resolve(false)));
  });
}

/** Topic prefixes, client ids and stream names unique to one run, so runs never see each other's messages. */
export const runId = (): string => randomBytes(4).toString('hex');

const T0 = Date.UTC(2026, 2, 1);

/** `count` valid samples from `firstSeq`, one per second, charging then resting. */
export function samplesFrom(firstSeq: number, count: number) {
  return Array.from({ length: count }, (_, i) => {
    const seq = firstSeq + i;
    return {
      seq,
      ts: T0 + seq * 1000,
      voltageV: 3.6 + seq * 1e-4,
      currentA: seq % 200 < 100 ? 0.002 : 0,
      temperatureC: 25,
    };
  });
}

/** Outcomes published on a cell's acks topic, in arrival order, with a way to wait for the n-th. */
export class OutcomeLog {
  readonly byCell = new Map<string, any[]>();
  /** Outcomes that came back with a batch's correlation id (MQTT 5 correlation data, NATS message id). */
  readonly byCorrelation = new Map<string, any>();
  private waiters: (() => void)[] = [];

  add(cellId: string, outcome: unknown, correlationId?: string): void {
    if (correlationId) this.byCorrelation.set(correlationId, outcome);
    let list = this.byCell.get(cellId);
    if (!list) this.byCell.set(cellId, (list = []));
    list.push(outcome);
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w());
  }

  of(cellId: string): any[] {
    return this.byCell.get(cellId) ?? [];
  }

  /** Resolves with the cell's outcomes once there are at least `count` of them. */
  async waitFor(cellId: string, count: number, timeoutMs = 15_000): Promise<any[]> {
    const until = Date.now() + timeoutMs;
    while (this.of(cellId).length < count) {
      const left = until - Date.now();
      if (left <= 0) {
        throw new Error(
          `${count} outcomes for ${cellId} not seen in ${timeoutMs} ms: ${JSON.stringify(this.of(cellId))}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
    return this.of(cellId);
  }
}

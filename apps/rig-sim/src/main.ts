import { parseArgs } from 'node:util';
import { MqttRigConnection } from './mqtt-rig-connection';
import { RigConnection, type WireSample } from './rig-connection';
import { DEFAULT_CELL, SimulatedCell } from './simulated-cell';

const HELP = `rig-sim: streams simulated NCM811 | Li6PS5Cl | Li-In cells to Operando Twin over socket.io (/rigs),
or as a gateway on the service's MQTT broker (--mqtt)

  --url <url>          service URL (default http://localhost:3000, or TWIN_URL)
  --token <t>          rig or admin token (or TWIN_TOKEN)
  --cells <n>          number of cells (default 4)
  --prefix <p>         cell id prefix (default sim)
  --rate <hz>          samples per second per cell, wall clock (default 10)
  --accel <x>          simulated seconds per wall-clock second (default 60)
  --batch-ms <ms>      send a batch per cell this often (default 100)
  --duration <s>       stop after this many wall-clock seconds (default: run until Ctrl-C)
  --create             create the cells first (needs an admin token)
  --stack-pressure <MPa>  stack pressure of created cells (default 10)
  --mqtt <url>         publish the batches to this MQTT broker instead (e.g. mqtt://localhost:1883; the
                       service must run with MQTT_URL); --url still creates the cells and finds their last seq
  --topic-prefix <p>   the service's BUS_TOPIC_PREFIX (default twin)
  --quiet              no per-second progress line`;

async function api(url: string, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> | null };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: process.env.TWIN_URL ?? 'http://localhost:3000' },
      token: { type: 'string', default: process.env.TWIN_TOKEN },
      cells: { type: 'string', default: '4' },
      prefix: { type: 'string', default: 'sim' },
      rate: { type: 'string', default: '10' },
      accel: { type: 'string', default: '60' },
      'batch-ms': { type: 'string', default: '100' },
      duration: { type: 'string' },
      create: { type: 'boolean', default: false },
      'stack-pressure': { type: 'string', default: '10' },
      mqtt: { type: 'string' },
      'topic-prefix': { type: 'string', default: 'twin' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.token) {
    console.log(HELP);
    process.exit(values.help ? 0 : 2);
  }
  const url = values.url.replace(/\/$/, '');
  const token = values.token;
  const cellCount = Number(values.cells);
  const rateHz = Number(values.rate);
  const accel = Number(values.accel);
  const batchMs = Number(values['batch-ms']);
  const ids = Array.from(
    { length: cellCount },
    (_, i) => `${values.prefix}-${String(i + 1).padStart(3, '0')}`,
  );

  const startSeq = new Map<string, number>();
  for (const [i, id] of ids.entries()) {
    if (values.create) {
      const created = await api(url, token, 'POST', '/cells', {
        id,
        name: `Simulated NCM811 | Li6PS5Cl | Li-In #${i + 1}`,
        cathode: 'NCM811',
        electrolyte: 'Li6PS5Cl',
        anode: 'Li-In',
        nominalCapacityAh: DEFAULT_CELL.capacityAh,
        electrodeAreaCm2: 0.785,
        stackPressureMPa: Number(values['stack-pressure']),
        initialSoc: 0,
        tags: ['simulated'],
      });
      if (created.status !== 201 && created.status !== 409) {
        throw new Error(`creating ${id}: HTTP ${created.status} ${JSON.stringify(created.body)}`);
      }
    }
    // Resume after the cell's last stored sample so a restarted simulator adds, not collides.
    const existing = await api(url, token, 'GET', `/cells/${id}`);
    const state = existing.body?.state as { seq?: number } | null | undefined;
    startSeq.set(id, typeof state?.seq === 'number' ? state.seq + 1 : 0);
  }

  const rig = values.mqtt
    ? new MqttRigConnection(values.mqtt, token, values['topic-prefix'], `rig-sim-${values.prefix}`)
    : new RigConnection(url, token);
  if (rig instanceof MqttRigConnection)
    rig.client.on('error', (e) => console.error(`rig-sim: MQTT: ${e.message}`));
  else rig.socket.on('connect_error', (e) => console.error(`rig-sim: cannot connect: ${e.message}`));
  let acked = 0;
  rig.onAck = (_cell, ack) => (acked += ack.accepted + ack.duplicates);
  // A socket error (busy, rate-limited) is retried; a bus outcome's error is final.
  const afterError = rig instanceof MqttRigConnection ? 'not stored' : 'will resend';
  rig.onError = (cell, message) => console.error(`rig-sim: ${cell}: ${message} (${afterError})`);

  const t0 = Date.now();
  // Simulated time runs accel× faster than the wall clock. It starts (accel − 1) hours in the past so the
  // first wall-clock hour of a demo stays behind "now" (the service rejects far-future timestamps), and
  // coulomb counting on the service sees the same time base as the simulated physics.
  const simStartMs = t0 - (accel - 1) * 3_600_000;
  const cells = ids.map(
    (_, i) =>
      new SimulatedCell(
        { ...DEFAULT_CELL, seed: i + 1, initialSoc: 0, temperatureC: 25 + (i % 3) },
        simStartMs,
      ),
  );
  const seqs = ids.map((id) => startSeq.get(id)!);
  const buffers: WireSample[][] = ids.map(() => []);
  const dtSimMs = (1000 / rateHz) * accel;
  const sampleTimer = setInterval(() => {
    cells.forEach((cell, i) => {
      const s = cell.advance(dtSimMs);
      buffers[i].push({
        seq: seqs[i]++,
        ts: s.tsMs,
        voltageV: s.voltageV,
        currentA: s.currentA,
        temperatureC: s.temperatureC,
        cycle: s.cycle,
        step: s.step,
      });
    });
  }, 1000 / rateHz);
  const sendTimer = setInterval(() => {
    buffers.forEach((buf, i) => {
      if (buf.length === 0) return;
      rig.send(ids[i], buf.splice(0, buf.length));
    });
  }, batchMs);
  const progress = values.quiet
    ? null
    : setInterval(() => {
        const s = (Date.now() - t0) / 1000;
        console.log(
          `rig-sim: ${ids.length} cells, ${acked} samples committed (${(acked / s).toFixed(0)}/s), ${rig.pendingBatches} batches pending`,
        );
      }, 5000);

  const stop = async () => {
    clearInterval(sampleTimer);
    clearInterval(sendTimer);
    if (progress) clearInterval(progress);
    buffers.forEach((buf, i) => buf.length && rig.send(ids[i], buf.splice(0, buf.length)));
    await rig.drain(10_000);
    rig.close();
    console.log(`rig-sim: stopped after ${acked} committed samples`);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  if (values.duration) setTimeout(() => void stop(), Number(values.duration) * 1000);
}

main().catch((e: Error) => {
  console.error(`rig-sim: ${e.message}`);
  process.exit(1);
});

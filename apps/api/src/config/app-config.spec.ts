import { describe, expect, it } from 'vitest';
import { loadConfig } from './app-config';

describe('loadConfig', () => {
  it('holds four MQTT sessions per instance unless MQTT_CONNECTIONS says otherwise', () => {
    expect(loadConfig({}).bus.mqttConnections).toBe(4);
    expect(loadConfig({ MQTT_CONNECTIONS: '8' }).bus.mqttConnections).toBe(8);
  });

  it('names every bad variable with its range', () => {
    expect(() => loadConfig({ MQTT_CONNECTIONS: '0', LEASE_TTL_MS: '10', PORT: 'x' })).toThrow(
      [
        'invalid configuration:',
        '  - PORT must be an integer ≥ 0 (got "x")',
        '  - MQTT_CONNECTIONS must be an integer from 1 to 64 (got "0")',
        '  - LEASE_TTL_MS must be an integer ≥ 300 (got "10")',
      ].join('\n'),
    );
    expect(() => loadConfig({ MQTT_CONNECTIONS: '65' })).toThrow(
      'MQTT_CONNECTIONS must be an integer from 1 to 64',
    );
  });
});

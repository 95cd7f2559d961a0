/** Settings of the scale-out path, parsed once at boot. */
export interface ScaleConfig {
  /** When set, socket.io rooms span every instance through Redis pub/sub. */
  redisUrl: string | null;
}

export function loadScaleConfig(env: NodeJS.ProcessEnv = process.env): ScaleConfig {
  const raw = env.REDIS_URL || null;
  if (raw !== null && !/^rediss?:\/\//.test(raw)) {
    throw new Error(
      `invalid scale configuration:\n  - REDIS_URL must start with redis:// or rediss:// (got "${raw}")`,
    );
  }
  return { redisUrl: raw };
}

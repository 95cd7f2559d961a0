import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal';

type Handler = (principal: Principal, body: unknown) => Promise<unknown>;

/**
 * Extra `/rigs` events that capabilities add (the EIS module registers `spectrum`), so the core
 * gateway does not depend on them.
 */
@Injectable()
export class RigMessageRegistry {
  private readonly handlers = new Map<string, Handler>();

  register(event: string, handler: Handler): void {
    this.handlers.set(event, handler);
  }

  get(event: string): Handler | undefined {
    return this.handlers.get(event);
  }
}

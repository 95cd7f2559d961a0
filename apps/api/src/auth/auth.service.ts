import { Inject, Injectable, Logger } from '@nestjs/common';
import type { CreateTokenInput } from '@twin/contracts';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { Principal } from './principal';
import { generateToken, hashToken } from './token-hash';
import { TokenRepository } from './token.repository';

const CACHE_TTL_MS = 10_000;

@Injectable()
export class AuthService {
  private readonly logger = new Logger('auth');
  private readonly cache = new Map<string, { principal: Principal | null; expiresAt: number }>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tokens: TokenRepository,
  ) {}

  /** ADMIN_TOKEN wins; otherwise the first start makes an admin token and prints it once. */
  async ensureAdminToken(): Promise<void> {
    if (this.config.adminToken) {
      await this.tokens.insert(hashToken(this.config.adminToken), 'admin', 'ADMIN_TOKEN', null);
      return;
    }
    if ((await this.tokens.countAdmins()) > 0) return;
    const token = generateToken('admin');
    await this.tokens.insert(hashToken(token), 'admin', 'generated at first start', null);
    // Printed once, on purpose: only its hash is stored, so this is the user's only chance to copy it.
    this.logger.warn(`generated admin token (store it now, it is not shown again): ${token}`);
  }

  /** Resolves a presented token; unknown tokens are cached briefly too, so guessing costs no DB load. */
  async verify(token: unknown): Promise<Principal | null> {
    if (typeof token !== 'string' || token.length < 8 || token.length > 512) return null;
    const hash = hashToken(token);
    const now = Date.now();
    const hit = this.cache.get(hash);
    if (hit && hit.expiresAt > now) return hit.principal;
    const principal = await this.tokens.findByHash(hash);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { principal, expiresAt: now + CACHE_TTL_MS });
    return principal;
  }

  async create(
    input: CreateTokenInput,
  ): Promise<{ token: string; role: string; label: string; cellIds: string[] | null }> {
    const token = generateToken(input.role);
    const cellIds = input.role === 'rig' && input.cellIds ? input.cellIds : null;
    await this.tokens.insert(hashToken(token), input.role, input.label, cellIds);
    return { token, role: input.role, label: input.label, cellIds };
  }
}

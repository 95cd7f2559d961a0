import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '@twin/contracts';
import type { Request } from 'express';
import { DomainError, ErrorCode } from '../common/domain-error';
import { AuthService } from './auth.service';
import type { Principal } from './principal';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator';

export type AuthedRequest = Request & { principal: Principal };

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const principal = await this.auth.verify(token);
    if (!principal) {
      throw new DomainError(ErrorCode.Unauthorized, token ? 'invalid token' : 'missing bearer token', [
        { field: 'authorization', reason: token ? 'invalid token' : 'missing' },
      ]);
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(principal.role)) {
      throw new DomainError(ErrorCode.Forbidden, `role ${principal.role} may not do this`, [
        { field: 'authorization', reason: `requires ${roles.join(' or ')}` },
      ]);
    }
    req.principal = principal;
    return true;
  }
}

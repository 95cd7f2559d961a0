import { SetMetadata } from '@nestjs/common';
import type { Role } from '@twin/contracts';

export const ROLES_KEY = 'roles';
/** Roles allowed on a handler; a handler without it is open to any valid token. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

export const PUBLIC_KEY = 'public';
export const Public = () => SetMetadata(PUBLIC_KEY, true);

import type { Role } from '@twin/contracts';

export interface Principal {
  tokenId: number;
  role: Role;
  label: string;
  /** For rig tokens: the only cells it may write to; null = any cell. */
  cellIds: string[] | null;
}

export function mayWriteCell(principal: Principal, cellId: string): boolean {
  if (principal.role === 'admin') return true;
  if (principal.role !== 'rig') return false;
  return principal.cellIds === null || principal.cellIds.includes(cellId);
}

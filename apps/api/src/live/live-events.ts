import type { TwinStatePayload } from '@twin/contracts';

/** Every event the server pushes on `/live`, with its payload type: the typed client surface. */
export interface LiveClientEventMap {
  twin: TwinStatePayload;
}

export const cellRoom = (cellId: string) => `cell:${cellId}`;

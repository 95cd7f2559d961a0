import type { TwinStatePayload } from '@twin/contracts';

/** Every event the server pushes on `/live`, with its payload type: the typed client surface. */
export interface LiveClientEventMap {
  twin: TwinStatePayload;
  spectrum: import('../eis/spectra.repository').StoredSpectrum;
}

export const cellRoom = (cellId: string) => `cell:${cellId}`;

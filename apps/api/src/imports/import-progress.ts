/** `import.progress` on `/live`, room `import:<importId>` (issue #6 contract). */
export interface ImportProgressPayload {
  importId: string;
  rowsParsed: number;
  /** Bytes of the upload body received so far (the file plus a few hundred bytes of multipart framing). */
  bytesRead: number;
  totalBytes?: number;
  fraction?: number;
}

export const importRoom = (importId: string) => `import:${importId}`;

/** Client-chosen ids let a browser join the room before it starts the upload. */
export const IMPORT_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

/** About twice a second (issue #6), plus a final event when the upload is done. */
export const PROGRESS_INTERVAL_MS = 500;

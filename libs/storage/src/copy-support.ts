/**
 * Whether a server answering `SELECT version()` with this text can take `COPY … FROM STDIN` over the
 * wire. PGlite (PostgreSQL compiled to WebAssembly with Emscripten, served by pglite-socket) cannot:
 * the official build drops the connection ("protocol synchronization was lost") and the TimescaleDB
 * fork aborts the whole WebAssembly instance — both seen on this project's pinned versions. Those
 * endpoints keep the INSERT path.
 */
export function acceptsCopyFromStdin(serverVersion: string): boolean {
  return !/emscripten|wasm32|PGlite/i.test(serverVersion);
}

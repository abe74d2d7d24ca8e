/** Listening on the configured port, and the one line start-up prints when it cannot. */
import type { Server } from 'node:http';
import type { Express } from 'express';

/** Resolves once the app listens on `port` (all interfaces), rejects with the listen error (EADDRINUSE, EACCES…). */
export function listen(app: Express, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, (error?: Error) => (error ? reject(error) : resolve(server)));
  });
}

/** Why the server could not listen, naming the PORT variable, as one line for the operator. */
export function listenFailure(port: number, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    return `PORT=${port} is already in use (another Sightline or another program listens there); stop it or set PORT to a free port`;
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return `PORT=${port} may not be opened by this user (ports below 1024 need privileges); set PORT to a port above 1023`;
  }
  return `PORT=${port} cannot be listened on: ${error instanceof Error ? error.message : String(error)}`;
}

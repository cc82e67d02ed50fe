/** The local stack's own log lines (the handlers log through Powertools, as in Lambda). */
export interface Logger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

function line(component: string, message: string, extra?: Record<string, unknown>): string {
  return `[partwise:${component}] ${message}${extra ? ` ${JSON.stringify(extra)}` : ''}`;
}

export function consoleLogger(component = 'local'): Logger {
  return {
    info: (message, extra) => console.log(line(component, message, extra)),
    warn: (message, extra) => console.warn(line(component, message, extra)),
    error: (message, extra) => console.error(line(component, message, extra)),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** What a log line needs from an unknown thrown value: never more than name and message. */
export function describeError(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };
}

/**
 * The Delphix SDK error taxonomy (dlpx.virtualization.platform.exceptions / common.exceptions / libs).
 * Every error exposes `.message`; UserError also carries `action` and `output` as in the SDK.
 */

/** An error the user can fix. `action` tells them how; `output` carries raw tool output (never secrets). */
export class UserError extends Error {
  readonly action: string;
  readonly output: string;
  constructor(message: string, action = '', output = '') {
    super(message);
    this.name = 'UserError';
    this.action = action;
    this.output = output;
  }
}

/** A plugin bug (wrong return type, wrong argument type, ...). */
export class PluginRuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
export class IncorrectReturnTypeError extends PluginRuntimeError {}
export class IncorrectTypeError extends PluginRuntimeError {}
export class IncorrectArgumentTypeError extends PluginRuntimeError {}
export class IncorrectUpgradeObjectTypeError extends PluginRuntimeError {}
export class IncorrectReferenceFormatError extends PluginRuntimeError {}
export class IncorrectPluginCodeError extends PluginRuntimeError {}

/** Definition-time errors raised while operations and migrations are registered. */
export class PlatformError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
export class OperationAlreadyDefinedError extends PlatformError {}
export class OperationNotDefinedError extends PlatformError {}
export class DecoratorNotFunctionError extends PlatformError {}
export class MigrationIdIncorrectTypeError extends PlatformError {}
export class MigrationIdIncorrectFormatError extends PlatformError {}
export class MigrationIdAlreadyUsedError extends PlatformError {}
export class UnknownMigrationTypeError extends PlatformError {}

/** How a remote script ended when it did not exit by itself: the signal that ended it, and where it ran. */
export interface ScriptEnd {
  /** e.g. SIGKILL: the remote shell was ended by this signal (exitCode is then 128 + its number, as a shell reports). */
  readonly signal?: string;
  /** e.g. "on db-host:22", for the message about a signal. */
  readonly where?: string;
}

/**
 * libs: a remote script exited non-zero while `check` was set. The fields mirror the Delphix SDK; the message
 * never shows empty output sections, and names the signal when the script did not exit by itself.
 */
export class PluginScriptError extends Error {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The signal that ended the remote shell, when one did (SIGKILL, SIGTERM, ...). */
  readonly signal: string | undefined;
  constructor(exitCode: number, stdout: string, stderr: string, end: ScriptEnd = {}) {
    super(scriptFailureText(exitCode, stdout, stderr, end));
    this.name = 'PluginScriptError';
    this.exitCode = exitCode;
    this.stdout = stdout;
    this.stderr = stderr;
    this.signal = end.signal;
  }
}

function scriptFailureText(exitCode: number, stdout: string, stderr: string, end: ScriptEnd): string {
  const where = end.where ? ` ${end.where}` : '';
  const how = end.signal
    ? `The remote script${where} was ended by signal ${end.signal} (exit code ${exitCode}) before it finished`
    : `The script failed with exit code ${exitCode}`;
  if (!stdout.trim() && !stderr.trim()) return `${how}; it printed nothing.`;
  if (!end.signal) return `${how}. stdout : ${stdout} stderr : ${stderr}`;
  // Cut off mid-way, stdout is a fragment of the script's own protocol (kept on `stdout` for the debug log); stderr
  // is what may say why.
  const err = stderr.trim() ? `; on stderr: ${stderr.trim()}` : ' and nothing on stderr';
  return `${how}; it had printed ${Buffer.byteLength(stdout)} bytes on stdout${err}.`;
}

/** libs: an actionable engine-side failure (unreachable host, timeout); the plugin may catch and retry. */
export class LibraryError extends Error {
  readonly id: string;
  constructor(id: string, message: string) {
    super(message);
    this.name = 'LibraryError';
    this.id = id;
  }
}

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

/** libs: a remote script exited non-zero while `check` was set. */
export class PluginScriptError extends Error {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  constructor(exitCode: number, stdout: string, stderr: string) {
    super(`The script failed with exit code ${exitCode}. stdout : ${stdout} stderr : ${stderr}`);
    this.name = 'PluginScriptError';
    this.exitCode = exitCode;
    this.stdout = stdout;
    this.stderr = stderr;
  }
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

/**
 * Typed messages between a webview and the extension host, shared by every view. Each view
 * declares a map `type → payload` per direction; handlers and validators are lookup tables keyed
 * by type, so adding a message is one entry in each table and a missing entry fails to compile.
 * DOM-free and vscode-free: both sides and the node unit tests import it.
 */

/** `type` → payload fields (the payload excludes `type`). */
export type MessageMap = { [type: string]: object };

/** A message with no payload. */
export type NoPayload = Record<never, never>;

export type Message<M extends MessageMap> = { [K in keyof M & string]: { type: K } & M[K] }[keyof M & string];

export type MessageOf<M extends MessageMap, K extends keyof M & string> = { type: K } & M[K];

export type Handlers<M extends MessageMap> = {
  [K in keyof M & string]: (message: MessageOf<M, K>) => void | Promise<void>;
};

/** Checks a payload's fields (the `type` is already known to be K). */
export type Validators<M extends MessageMap> = {
  [K in keyof M & string]: (message: Record<string, unknown>) => boolean;
};

/**
 * The message if `raw` is an object whose `type` has a validator that accepts it, else undefined.
 * Anything crossing the webview boundary is untrusted: a webview may render user data.
 */
export function parseMessage<M extends MessageMap>(raw: unknown, validators: Validators<M>): Message<M> | undefined {
  if (!isRecord(raw) || typeof raw['type'] !== 'string') return undefined;
  if (!Object.prototype.hasOwnProperty.call(validators, raw['type'])) return undefined;
  const validate = validators[raw['type'] as keyof M & string];
  return validate(raw) ? (raw as Message<M>) : undefined;
}

/** Calls the handler for the message's type. */
export function dispatch<M extends MessageMap>(message: Message<M>, handlers: Handlers<M>): void | Promise<void> {
  const handler = handlers[message.type as keyof M & string] as (m: Message<M>) => void | Promise<void>;
  return handler(message);
}

/** Validates then dispatches; `onInvalid` hears about anything rejected (for logging). */
export function createReceiver<M extends MessageMap>(
  validators: Validators<M>,
  handlers: Handlers<M>,
  onInvalid: (raw: unknown) => void = () => undefined,
): (raw: unknown) => void | Promise<void> {
  return (raw) => {
    const message = parseMessage(raw, validators);
    if (!message) return onInvalid(raw);
    return dispatch(message, handlers);
  };
}

// Small field checks for validators.
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
export const isString = (v: unknown): v is string => typeof v === 'string';
export const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
export const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
export const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
export function isArrayOf<T>(v: unknown, item: (x: unknown) => x is T): v is T[] {
  return Array.isArray(v) && v.every(item);
}
/** For messages without payload: any extra fields are ignored. */
export const noPayload = (): boolean => true;

import { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Errors } from '@sinclair/typebox/errors';
import { Check } from '@sinclair/typebox/value';
import { SERVER_FRAME_SCHEMAS } from './server-frames';

type Checker = (value: unknown) => string | null;

const schemaOf = new Map<string, TSchema>(
  SERVER_FRAME_SCHEMAS.map((schema) => [schema.$id as string, schema]),
);
const checkers = new Map<string, Checker>();

/**
 * What is wrong with a frame the server sent, or null when it matches its type's schema. On Node
 * the check is compiled to a function once per type (several times faster); elsewhere it is
 * interpreted, so that a page whose Content-Security-Policy forbids eval can use it.
 */
export function serverFrameProblem(frame: unknown): string | null {
  const type = (frame as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !schemaOf.has(type)) return 'Unknown frame type';
  let checker = checkers.get(type);
  if (!checker) checkers.set(type, (checker = checkerFor(schemaOf.get(type)!)));
  return checker(frame);
}

function checkerFor(schema: TSchema): Checker {
  const describe = (value: unknown) => {
    const problem = Errors(schema, value).First();
    return `${String(schema.$id)} ${problem?.path ?? ''}: ${problem?.message ?? 'invalid'}`;
  };
  if (isNode()) {
    const compiled = TypeCompiler.Compile(schema);
    return (value) => (compiled.Check(value) ? null : describe(value));
  }
  return (value) => (Check(schema, value) ? null : describe(value));
}

function isNode(): boolean {
  const process = (globalThis as { process?: { versions?: { node?: unknown } } }).process;
  return typeof process?.versions?.node === 'string';
}

import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsString, ValidateBy } from 'class-validator';
import { ID_MAX, isId } from './room-id';

export const ROOM_NAME_MAX = 64;
export const ROOM_TOPIC_MAX = 256;

/** Control characters (newlines, NUL, escapes) and unpaired surrogates, which PostgreSQL cannot hold. */
const FORBIDDEN_CHARACTERS = /[\p{Cc}\p{Cs}]/u;

function characters(value: string): number {
  return [...value].length;
}

/** Why a (trimmed) room name is refused, or null when it is fine. */
export function roomNameProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'name must be a string';
  if (FORBIDDEN_CHARACTERS.test(value)) return 'name must not contain control characters';
  const length = characters(value.trim());
  if (length < 1 || length > ROOM_NAME_MAX) {
    return `name must be 1 to ${ROOM_NAME_MAX} characters, not blank`;
  }
  return null;
}

/** Why a (trimmed) topic is refused, or null when it is fine. */
export function roomTopicProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'topic must be a string';
  if (FORBIDDEN_CHARACTERS.test(value)) return 'topic must not contain control characters';
  if (characters(value.trim()) > ROOM_TOPIC_MAX) {
    return `topic must be at most ${ROOM_TOPIC_MAX} characters`;
  }
  return null;
}

const trim = Transform(({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() : value,
);

function ruled(name: string, problem: (value: unknown) => string | null): PropertyDecorator {
  return applyDecorators(
    trim,
    ValidateBy({
      name,
      validator: {
        validate: (value) => problem(value) === null,
        defaultMessage: (args) => problem(args?.value) ?? `${name} is invalid`,
      },
    }),
    IsString(),
  );
}

/** A room name: trimmed, 1 to 64 characters, no control characters. */
export const IsRoomName = () => ruled('roomName', roomNameProblem);

/** A topic: trimmed, at most 256 characters (empty clears it), no control characters. */
export const IsRoomTopic = () => ruled('roomTopic', roomTopicProblem);

/** A user or room id in a body: an integer from 1 to 2^31-1. */
export function IsEntityId(): PropertyDecorator {
  return ValidateBy({
    name: 'entityId',
    validator: {
      validate: (value) => isId(value),
      defaultMessage: (args) => `${args?.property} must be an integer from 1 to ${ID_MAX}`,
    },
  });
}

import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { InvalidInputError } from '@chat/errors';
import { ID_MAX } from './room-id';

/**
 * A room or user id in a path: digits only (no sign, no leading zero, no exponent), from 1 to
 * 2^31-1; anything else is 422 naming the parameter, before any lookup.
 */
@Injectable()
export class IdParamPipe implements PipeTransform<unknown, number> {
  transform(value: unknown, metadata: ArgumentMetadata): number {
    if (typeof value === 'string' && /^[1-9]\d{0,9}$/.test(value) && Number(value) <= ID_MAX) {
      return Number(value);
    }
    const field = metadata.data ?? 'id';
    throw new InvalidInputError([
      { field, message: `${field} must be an integer from 1 to ${ID_MAX}` },
    ]);
  }
}

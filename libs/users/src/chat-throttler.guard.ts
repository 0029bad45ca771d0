import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';

/**
 * ThrottlerGuard, except that every throttler answers with the standard `Retry-After` header:
 * the package names it `Retry-After-<name>` for named throttlers, which clients do not read.
 */
@Injectable()
export class ChatThrottlerGuard extends ThrottlerGuard {
  protected override setResponseHeader(
    response: Record<string, unknown>,
    name: string,
    value: string | number,
  ): void {
    super.setResponseHeader(response, name.startsWith('Retry-After') ? 'Retry-After' : name, value);
  }
}

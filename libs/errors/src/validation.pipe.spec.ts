import { ArgumentMetadata, Type } from '@nestjs/common';
import { Expose, Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Min, ValidateIf } from 'class-validator';
import { InvalidInputError } from './domain-errors';
import { ChatValidationPipe } from './validation.pipe';

let rulesRead = 0;

class PageQuery {
  @IsOptional()
  @ValidateIf(() => ++rulesRead > 0)
  @IsInt()
  @Min(1)
  limit?: number;
}

class SearchQuery {
  @IsString()
  q!: string;
}

/** class-transformer fills these in for an empty query: a fresh instance is not the answer. */
class ExposedInitializerQuery {
  @Expose()
  @IsOptional()
  @IsInt()
  limit?: number = 50;
}

class TransformedDefaultQuery {
  @Expose()
  @Transform(({ value }: { value: unknown }) => value ?? 20)
  @IsInt()
  limit?: number;
}

const query = (metatype: Type): ArgumentMetadata => ({ type: 'query', metatype });

describe('ChatValidationPipe', () => {
  let pipe: ChatValidationPipe;

  beforeEach(() => {
    pipe = new ChatValidationPipe();
    rulesRead = 0;
  });

  it('answers an empty query with an instance of its DTO, the rules read only the first time', async () => {
    const first = await pipe.transform({}, query(PageQuery));
    const second = await pipe.transform({}, query(PageQuery));
    expect(first).toBeInstanceOf(PageQuery);
    expect(second).toBeInstanceOf(PageQuery);
    expect(second).not.toBe(first);
    expect(second).toStrictEqual(first);
    expect(rulesRead).toBe(1);
  });

  it('still validates a query that is not empty after an empty one', async () => {
    await pipe.transform({}, query(PageQuery));
    await expect(pipe.transform({ limit: 0 }, query(PageQuery))).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    await expect(pipe.transform({ limit: 'many' }, query(PageQuery))).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    expect(await pipe.transform({ limit: 5 }, query(PageQuery))).toEqual(
      Object.assign(new PageQuery(), { limit: 5 }),
    );
  });

  it('refuses an empty query every time when its DTO requires a field', async () => {
    await expect(pipe.transform({}, query(SearchQuery))).rejects.toBeInstanceOf(InvalidInputError);
    await expect(pipe.transform({}, query(SearchQuery))).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('validates an empty body each time: only queries take the shortcut', async () => {
    const body: ArgumentMetadata = { type: 'body', metatype: PageQuery };
    await pipe.transform({}, body);
    await pipe.transform({}, body);
    expect(rulesRead).toBe(2);
  });

  it('answers an empty query as class-transformer does where it fills fields in', async () => {
    for (let i = 0; i < 2; i++) {
      expect(await pipe.transform({}, query(ExposedInitializerQuery))).toStrictEqual(
        Object.assign(new ExposedInitializerQuery(), { limit: undefined }),
      );
      expect(await pipe.transform({}, query(TransformedDefaultQuery))).toStrictEqual(
        Object.assign(new TransformedDefaultQuery(), { limit: 20 }),
      );
    }
  });
});

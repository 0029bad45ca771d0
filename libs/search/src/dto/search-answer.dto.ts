import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RoomMessageDto } from '@chat/messages';
import type { SearchAnswer, SearchHit, SnippetPart } from '@chat/protocol';

// Response shapes for the OpenAPI document; the service returns plain objects of these shapes.

export class SnippetPartDto implements SnippetPart {
  /** The message's own text, never markup. */
  text!: string;
  /** Where the query matched. */
  match!: boolean;
}

export class SearchHitDto implements SearchHit {
  message!: RoomMessageDto;
  @ApiProperty({ description: 'ts_rank of the message for the query; higher first' })
  rank!: number;
  @ApiProperty({
    type: SnippetPartDto,
    isArray: true,
    description: 'Up to two fragments of the text around the matches, the whole text when short',
  })
  snippet!: SnippetPartDto[];
}

export class SearchAnswerDto implements SearchAnswer {
  @ApiProperty({
    type: SearchHitDto,
    isArray: true,
    description:
      'The newest 500 matches are ranked, best first (newest first among equals); the pages ' +
      'after them rank the next 500, and so on',
  })
  results!: SearchHitDto[];
  @ApiProperty({ type: String, nullable: true, description: 'null after the last page' })
  next_cursor!: string | null;
  @ApiPropertyOptional({
    description: 'Why nothing was searched: the query has only stop words, punctuation or -words',
  })
  notice?: string;
}

import { Module } from '@nestjs/common';
import { AuthModule } from '@chat/auth';
import { RoomsModule } from '@chat/rooms';
import { SearchController } from './search.controller';
import { SearchRepository } from './search.repository';
import { SearchService } from './search.service';

@Module({
  imports: [AuthModule, RoomsModule],
  controllers: [SearchController],
  providers: [SearchRepository, SearchService],
  exports: [SearchService, SearchRepository],
})
export class SearchModule {}

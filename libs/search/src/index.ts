export { SEARCH_WINDOW, SearchRepository } from './search.repository';
export { NOTHING_TO_SEARCH, SearchService } from './search.service';
export { SearchModule } from './search.module';
export { searchTerms } from './search-terms';

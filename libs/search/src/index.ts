export {
  isCutOff,
  matchesSql,
  SEARCH_WINDOW,
  SearchRepository,
  tsquerySql,
} from './search.repository';
export { NOTHING_TO_SEARCH, SearchService } from './search.service';
export { SearchModule } from './search.module';
export { SearchTerms, searchTerms } from './search-terms';

export { LoggingModule } from './logging.module';
export { REQUEST_ID_HEADER } from './request-id';
export { requestLogging } from './request-logging';

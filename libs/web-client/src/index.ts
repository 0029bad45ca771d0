export { serveWebClient } from './serve-web-client';

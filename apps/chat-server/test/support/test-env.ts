/** Variables the global setup hands to the test workers. */
export const TEST_ENV = {
  serverUrl: 'CHAT_TEST_SERVER_URL',
  template: 'CHAT_TEST_TEMPLATE_DB',
} as const;

/** The URL of database `name` on the server at `serverUrl`. */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** Paths the chat server answers; `vite` (dev) forwards them to a server on port 8000. */
const SERVER_PATHS = ['/auth', '/user', '/routers', '/api', '/avatar', '/static', '/ws'];

const lib = (name: string) =>
  fileURLToPath(new URL(`../../libs/${name}/src/index.ts`, import.meta.url));

// Built into dist/web-client, which the chat server serves at `/`.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  resolve: { alias: { '@chat/client': lib('client'), '@chat/protocol': lib('protocol') } },
  build: { outDir: '../../dist/web-client', emptyOutDir: true, target: 'es2022' },
  server: {
    proxy: Object.fromEntries(
      SERVER_PATHS.map((path) => [path, { target: 'http://127.0.0.1:8000', ws: path === '/ws' }]),
    ),
  },
});

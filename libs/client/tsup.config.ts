import { defineConfig } from 'tsup';

// The npm package (run in libs/client): one ESM file with its declarations, the protocol's schemas
// bundled in. It depends on TypeBox (the schemas' runtime) and, on Node 20 only, on `ws`.
export default defineConfig({
  entry: { index: 'src/index.ts' },
  outDir: 'dist',
  format: ['esm'],
  platform: 'neutral',
  target: 'es2022',
  dts: { resolve: true },
  external: ['ws'],
  noExternal: [/^@chat\//],
  tsconfig: 'tsconfig.build.json',
  clean: true,
  treeshake: true,
});

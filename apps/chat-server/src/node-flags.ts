/**
 * V8 flags the server runs with, wherever it starts: `npm start`, the Docker image's CMD, and the
 * tests and bench that start the built server (node-flags.spec.ts keeps the first two in step).
 *
 * --no-allocation-site-pretenuring: V8 otherwise learns to allocate some objects straight in the
 * old generation when their allocation site's objects have tended to survive. Sites shared by the
 * framework's long-lived objects and its per-request ones (loggers, guards' contexts) get so
 * marked; the per-request objects then sit in the old generation, dead but uncollected until a
 * full GC, and keep every young object they point to alive through each scavenge. Measured on the
 * newest-page route (docs/history.md): 1.4 MB survived each scavenge, and a scavenge paused the
 * server about 4 ms every 80 requests; with the flag, 20 kB and about 1 ms.
 */
export const SERVER_NODE_FLAGS = ['--no-allocation-site-pretenuring'] as const;

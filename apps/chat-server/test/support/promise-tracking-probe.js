// Loaded into a server process with --require: on SIGWINCH (a signal Nest's shutdown hooks leave
// alone) it reports whether Node is tracking the async context of every promise by then, as an
// AsyncLocalStorage in use does in Node 20, which costs each promise an id, a property store and a
// hook call.
process.on('SIGWINCH', () => {
  const tracked = Object.getOwnPropertySymbols(Promise.resolve()).length > 0;
  process.stderr.write(`\npromise-tracking-probe: ${tracked ? 'on' : 'off'}\n`);
});

// AdminJS.watch() runs whenever NODE_ENV is not "production": it starts a rollup watcher that never
// closes (Jest would not exit) and writes .adminjs/ into the working directory. The panel's tests
// need no custom-component bundle, so watching is switched off, only when AdminJS is loaded.
jest.mock('adminjs', () => {
  const actual = jest.requireActual('adminjs');
  actual.default.prototype.watch = async () => undefined;
  return actual;
});

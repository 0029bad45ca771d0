// Jest runs in CommonJS mode, but NestJS 12 and several of its dependencies ship ESM only, and
// Jest's require() cannot load ESM on Node 20. This transformer compiles our TypeScript and every
// ESM file (judged by `.mjs` or the nearest package.json `"type": "module"`) to CommonJS with swc,
// and passes CommonJS files through untouched.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { createTransformer } = require('@swc/jest');

const VERSION = '1';

const typescript = createTransformer({
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
});

const ecmascript = createTransformer({
  jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022', keepClassNames: true },
  module: { type: 'commonjs' },
});

const moduleTypeByDir = new Map();

function isEsm(filename) {
  if (filename.endsWith('.mjs')) return true;
  if (filename.endsWith('.cjs') || !filename.endsWith('.js')) return false;
  return nearestPackageType(path.dirname(filename)) === 'module';
}

function nearestPackageType(dir) {
  if (moduleTypeByDir.has(dir)) return moduleTypeByDir.get(dir);
  let type;
  const manifest = path.join(dir, 'package.json');
  if (fs.existsSync(manifest)) {
    type = JSON.parse(fs.readFileSync(manifest, 'utf8')).type ?? 'commonjs';
  } else {
    const parent = path.dirname(dir);
    type = parent === dir ? 'commonjs' : nearestPackageType(parent);
  }
  moduleTypeByDir.set(dir, type);
  return type;
}

// ESM code may declare the names CommonJS gives every module (`const require = createRequire(
// import.meta.url)`, `const __dirname = ...`): in a CommonJS wrapper that is a redeclaration. Those
// declarations compute the same values CommonJS already provides, so they are renamed away.
function adaptEsmSource(source) {
  return source
    .replace(/\b(const|let|var)\s+(require|__dirname|__filename)\s*=/g, '$1 __esmShadowed_$2 =')
    .replace(/\bimport\.meta\.url\b/g, 'require("node:url").pathToFileURL(__filename).href')
    .replace(/\bimport\.meta\.dirname\b/g, '__dirname')
    .replace(/\bimport\.meta\.filename\b/g, '__filename');
}

module.exports = {
  process(source, filename, options) {
    if (filename.endsWith('.ts')) return typescript.process(source, filename, options);
    if (isEsm(filename)) return ecmascript.process(adaptEsmSource(source), filename, options);
    return { code: source };
  },
  getCacheKey(source, filename, options) {
    return crypto
      .createHash('sha1')
      .update(VERSION)
      .update('\0')
      .update(filename)
      .update('\0')
      .update(source)
      .update('\0')
      .update(options.configString)
      .digest('hex');
  },
};

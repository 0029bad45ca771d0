// Some packages (AdminJS's among them) export only an "import" condition, which Jest's CommonJS
// resolution does not try. Our transformer turns those ES modules into CommonJS, so resolving them
// through their "import" entry is correct here.
module.exports = (request, options) => {
  try {
    return options.defaultResolver(request, options);
  } catch (error) {
    const conditions = ['import', 'node', 'default'];
    try {
      return options.defaultResolver(request, { ...options, conditions });
    } catch {
      throw error;
    }
  }
};

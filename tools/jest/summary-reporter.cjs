// Prints, per tier (Jest project), how many tests ran and the time their files took, then the
// plain closing line CI reads: "N passed, N failed" (", N skipped" when any were).
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const tiers = new Map();
    for (const file of results.testResults) {
      const name = file.displayName?.name;
      if (!name) continue;
      const tier = tiers.get(name) ?? { tests: 0, seconds: 0 };
      tier.tests += file.numPassingTests + file.numFailingTests;
      tier.seconds += (file.perfStats.end - file.perfStats.start) / 1000;
      tiers.set(name, tier);
    }
    for (const [name, tier] of tiers) {
      process.stdout.write(
        `\n${name}: ${tier.tests} tests, ${tier.seconds.toFixed(1)} s in their files`,
      );
    }
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `${results.numPassedTests} passed, ${failed} failed`;
    process.stdout.write(`\n${skipped > 0 ? `${line}, ${skipped} skipped` : line}\n`);
  }
}
module.exports = SummaryReporter;

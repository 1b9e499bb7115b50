/**
 * The import arrows of docs/ARCHITECTURE.md, checked: `npm run lint:boundaries` fails on an import that runs
 * against them, and on any cycle.
 *
 *   plugin → src/hana → src/sdk
 *   src/engine → src/sdk            (the engine loads the plugin only through plugin_config.yml's entryPoint)
 *   src/backint → src/sdk           (the agent runs on HANA hosts: nothing of the engine, plugin or tools)
 *   tools → src/engine, src/backint, src/hana, src/sdk
 *   bin → dist/ (the compiled programs)
 */
const layer = (from, allowed, comment) => ({
  name: `${from.replace(/[^a-z]+/g, '-')}-imports-only-below`,
  comment,
  severity: 'error',
  from: { path: `^${from}` },
  to: { path: '^(src|plugin|tools|bin|dist|test)/', pathNot: allowed.map((a) => `^${a}`) },
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Modules import in one direction; a cycle means two modules are one concern or one needs a third.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    layer('plugin/', ['plugin/', 'src/hana/', 'src/sdk/'], 'The plugin builds on src/hana and the SDK only.'),
    layer('src/hana/', ['src/hana/', 'src/sdk/'], 'The HANA domain knows the SDK, never the engine, the plugin or tools.'),
    layer('src/sdk/', ['src/sdk/'], 'The SDK is the bottom layer.'),
    layer('src/engine/', ['src/engine/', 'src/sdk/'], 'The engine loads the plugin through plugin_config.yml, never by import.'),
    layer('src/backint/', ['src/backint/', 'src/sdk/'], 'The Backint agent is deployed alone on HANA hosts.'),
    layer(
      'tools/',
      ['tools/', 'src/engine/', 'src/backint/', 'src/hana/', 'src/sdk/'],
      'Programs for people use the read API, the agent and the HANA domain.',
    ),
    {
      name: 'not-to-dev-dependencies',
      comment: 'What ships must not need a devDependency at run time.',
      severity: 'error',
      from: { path: '^(src|plugin|tools)/' },
      to: { dependencyTypes: ['npm-dev'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|test)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js'],
    },
  },
};

#!/usr/bin/env node
// `npm start` until the services exist: say plainly what is and is not here yet.
console.error(
  [
    'Tributary: the services (controller, broker, gateway) and combined mode are not built yet.',
    'This checkout holds the foundation: packages/core (record batches, partitioner, configs)',
    'and packages/storage (the SQLite partition log). Run `npm test` or `npm run bench`.',
  ].join('\n'),
)
process.exit(1)

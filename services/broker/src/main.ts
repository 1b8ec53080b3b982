/**
 * The broker process: reads its config (flags, then environment, then defaults), connects to
 * the controller, serves, and stops gracefully on SIGTERM or SIGINT.
 */
import { hostname } from 'node:os'
import { HttpControllerClient, HttpMetadataReader } from '@tributary/cluster-client'
import { pino } from 'pino'
import { createBroker } from './app/index.ts'
import { BrokerConfigError, parseBrokerConfig } from './config/index.ts'

let config: ReturnType<typeof parseBrokerConfig>
try {
  config = parseBrokerConfig(process.argv.slice(2), process.env, hostname())
} catch (error) {
  if (!(error instanceof BrokerConfigError)) throw error
  process.stderr.write(`broker: ${error.message}\n`)
  process.exit(2)
}

const logger = pino({ level: config.logLevel, base: { service: 'broker' } })
const broker = createBroker({
  config,
  controller: new HttpControllerClient({ url: config.controllerUrl }),
  metadata: new HttpMetadataReader({ url: config.controllerUrl }),
  logger,
})

let stopping = false
const stop = (signal: NodeJS.Signals) => {
  if (stopping) {
    logger.warn({ signal }, 'second signal: exiting at once')
    process.exit(1)
  }
  stopping = true
  logger.info({ signal }, 'stopping')
  broker.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: error }, 'unclean stop')
      process.exit(1)
    },
  )
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)

try {
  const { dataPlane, http } = await broker.start()
  logger.info(
    {
      brokerId: config.brokerId,
      dataPlane: `${dataPlane.address}:${dataPlane.port}`,
      http: `http://${http.address}:${http.port}`,
      advertised: `${config.advertisedHost}:${dataPlane.port}`,
      controller: config.controllerUrl,
      dataDir: config.dataDir,
    },
    'broker listening',
  )
} catch (error) {
  logger.error({ err: error }, 'broker could not start')
  await broker.stop().catch(() => {})
  process.exit(1)
}

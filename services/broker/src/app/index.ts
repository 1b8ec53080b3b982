export type { Broker, BrokerAddresses, BrokerDeps, BrokerSettings } from './create-broker.ts'
export { createBroker } from './create-broker.ts'

/**
 * @tributary/gateway: the stateless HTTP gateway, compatible with the Confluent REST Proxy v2
 * and v3. `createGatewayApp` builds it over injected dependencies without I/O; `main.ts` runs
 * it as its own process.
 */
export type { GatewayApp, GatewayDeps } from './app.ts'
export { API_VERSION, createGatewayApp } from './app.ts'
export type { GatewayConfig, GatewayConfigInput } from './config/index.ts'
export { gatewayConfigSchema, resolveGatewayConfig } from './config/index.ts'
export type { MetadataView } from './routing/index.ts'

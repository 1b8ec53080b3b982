import {
  type BrokerRegistration,
  type brokerHeartbeatRequestSchema,
  ErrorCode,
  type MetadataImage,
  type MetadataRecord,
  type registerBrokerRequestSchema,
  TributaryError,
} from '@tributary/core'
import type * as z from 'zod'
import { fencingChanges, unfencingChanges } from './leadership.ts'

/**
 * Broker registration, heartbeats and fencing as pure plans over the image, as KRaft's
 * ClusterControlManager has them: a registration's broker epoch is the offset of its record, a
 * new registration starts fenced, and a heartbeat reporting metadata at or past the registration
 * unfences it.
 */

export type RegisterBrokerCommand = z.output<typeof registerBrokerRequestSchema>
export type BrokerHeartbeatCommand = z.output<typeof brokerHeartbeatRequestSchema>

export interface RegisterBrokerPlan {
  readonly brokerEpoch: number
  readonly records: MetadataRecord[]
}

/**
 * The registration record goes first, so its offset (the new broker epoch) is the image's next.
 * If the broker's previous registration was in service, its leaderships move as on fencing: the
 * new registration is fenced until it catches up, and a fenced broker leads nothing.
 */
export function planRegisterBroker(
  image: MetadataImage,
  request: RegisterBrokerCommand,
): RegisterBrokerPlan {
  const brokerEpoch = image.offset + 1
  const previous = image.broker(request.brokerId)
  const records: MetadataRecord[] = [
    {
      type: 'register-broker',
      brokerId: request.brokerId,
      incarnationId: request.incarnationId,
      brokerEpoch,
      endpoints: request.endpoints,
      rack: request.rack,
      fenced: true,
    },
  ]
  if (previous !== undefined && !previous.fenced) {
    records.push(...fencingChanges(image, request.brokerId))
  }
  return { brokerEpoch, records }
}

export interface HeartbeatPlan {
  /** Whether the broker stays fenced once `records` are appended. */
  readonly fenced: boolean
  readonly records: MetadataRecord[]
}

export function planHeartbeat(
  image: MetadataImage,
  request: BrokerHeartbeatCommand,
): HeartbeatPlan {
  const broker = requireRegistration(image, request.brokerId, request.brokerEpoch)
  if (broker.fenced && request.metadataOffset >= broker.brokerEpoch) {
    return { fenced: false, records: planUnfence(image, broker) }
  }
  return { fenced: broker.fenced, records: [] }
}

export function planFence(image: MetadataImage, broker: BrokerRegistration): MetadataRecord[] {
  return [
    { type: 'fence-broker', brokerId: broker.brokerId, brokerEpoch: broker.brokerEpoch },
    ...fencingChanges(image, broker.brokerId),
  ]
}

function planUnfence(image: MetadataImage, broker: BrokerRegistration): MetadataRecord[] {
  return [
    { type: 'unfence-broker', brokerId: broker.brokerId, brokerEpoch: broker.brokerEpoch },
    ...unfencingChanges(image, broker.brokerId),
  ]
}

/** The broker's current registration, if `brokerEpoch` is its epoch; STALE_BROKER_EPOCH if not. */
export function requireRegistration(
  image: MetadataImage,
  brokerId: number,
  brokerEpoch: number,
): BrokerRegistration {
  const broker = image.broker(brokerId)
  if (broker === undefined) {
    throw new TributaryError(
      ErrorCode.StaleBrokerEpoch,
      `Broker ${brokerId} is not registered; register again`,
    )
  }
  if (broker.brokerEpoch !== brokerEpoch) {
    throw new TributaryError(
      ErrorCode.StaleBrokerEpoch,
      `Expected broker epoch ${broker.brokerEpoch} for broker ${brokerId}, but got ${brokerEpoch}; register again`,
    )
  }
  return broker
}

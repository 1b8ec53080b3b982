/**
 * @tributary/nats: the control plane of a cluster on NATS. The metadata log is a JetStream
 * stream and the controller election a key-value lease (the NATS implementations of core's
 * MetadataLog and ControllerElection, held to the same contract suites as the embedded ones),
 * and controller requests travel over NATS request/reply. Every name comes from core's
 * `natsNames(clusterId)`.
 */
export {}

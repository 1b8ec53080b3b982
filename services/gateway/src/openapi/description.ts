/**
 * The text at the top of the OpenAPI document: what the API is compatible with, its error
 * codes, and where it deliberately differs from the Confluent REST Proxy.
 */
export const apiDescription = `
Tributary's HTTP gateway, compatible with the **Confluent REST Proxy** API v2 and v3: the same
paths, media types, JSON shapes and error codes, so a client written for the REST Proxy works
unchanged. Keys are partitioned with Kafka's murmur2, so a keyed record lands on the partition a
Kafka client would choose.

## Media types
- v2 produce bodies: \`application/vnd.kafka.binary.v2+json\` (keys and values base64) or
  \`application/vnd.kafka.json.v2+json\` (keys and values any JSON). Any other Content-Type,
  a missing one included, is 415. The schema formats (avro, jsonschema, protobuf) need a Schema
  Registry, which Tributary does not have: 415.
- v2 responses: \`application/vnd.kafka.v2+json\` (also \`application/vnd.kafka+json\` or
  \`application/json\` when Accept asks for them); an Accept header that rules all of them out
  is 406.
- v3: \`application/json\` both ways (a missing Content-Type is taken as JSON).

## Errors
Every error is \`{"error_code": N, "message": "…"}\`; a 5-digit code starts with its HTTP status.
- 400: malformed JSON or query parameter (error_code 400); 40002: Kafka refused the request
  (topic exists, bad partition count or replication factor, bad config, invalid topic name,
  offset out of range).
- 404: unknown path or cluster (404); v2 unknown topic 40401, unknown partition 40402; v3 unknown
  topic or partition 40403 ("This server does not host this topic-partition."), a broker that
  holds no replica of the partition or is not registered 404.
- 406 / 40601: nothing acceptable / records not readable in the Accept header's embedded format.
- 413: body larger than the gateway accepts. 415: unsupported Content-Type.
- 422: a well-formed body that breaks the rules (error_code 422, e.g. "records may not be
  empty"); 42206: a schema-based v3 type (no Schema Registry); 42207: bad base64.
- 429: the async produce buffer is full.
- Consumers (v2): 40403 consumer instance not found (never created, deleted, or idle past
  consumer.instance.timeout.ms); 40902 an instance of that name exists in the group; 40903 a call
  the instance's state forbids (subscribe after assign and the reverse, seek or commit of a
  partition it does not read now, an offsets reset of a group with members); 42204 an invalid
  consumer config; 40601 records asked for in another format than the instance's. v3: 404 "Consumer
  group G cannot be found.". 50003: the group coordinator could not be reached.
- 50002: a Kafka error retrying will not fix (e.g. a record larger than the topic's
  max.message.bytes); 50003: a retriable Kafka error (no leader, broker unreachable, timeout):
  the gateway already retried against fresher metadata before answering.
- v2 produce reports per-record failures inside \`offsets\` with HTTP 200, as the REST Proxy
  does; v3 produce reports them per record in the delivery reports.

## Produce
Concurrent produce requests to one partition are coalesced into one record batch before they
reach the partition's leader; each record still gets its own offset. By default a produce is
answered once every in-sync replica has committed the records (acks=all), and refused with a
retriable error while the partition has fewer in-sync replicas than \`min.insync.replicas\`.
\`?acks=\` on a v2 or v3 produce chooses for that request: \`all\` (or \`-1\`), \`1\` (the leader's
own commit) or \`0\` (answered as soon as the records are sent to the leader, which confirms
nothing: partitions but no offsets, v2 HTTP 200 with \`offset: null\`, v3 reports with
\`error_code: 200\` and \`offset: null\`; a record the leader refuses is lost unseen). Without it
the gateway's \`--acks\` applies (all unless set). Requests with different acks never share a
batch.

Add \`?async=true\` to a v2 or v3 produce to be answered as soon as the gateway has accepted the
records, before the broker has them: the response carries partitions but no offsets (v2: HTTP
202, \`offset: null\`; v3: reports with \`error_code: 202\`, \`offset: null\`). **At-most-once**: a
record lost afterwards (broker down past the retry bound, gateway stopped) is only logged and
counted in \`tributary_gateway_async_produce_failures_total\`; nobody is told.

The v3 records endpoint also takes a stream: many JSON objects concatenated in one chunked
request body (or one JSON array of them), parsed as the bytes arrive, with one delivery report
per record written to the response as each completes, in request order, separated by \`\\r\\n\`.
Once the first record is read the status is 200 and failures are per-record reports; a record
that is not valid JSON gets a 400 report and the stream goes on, while a stream whose structure
breaks (anything but whitespace between records) ends with a 400 report.

## Consumers
Consumer instances (\`POST /consumers/{group}\`) live with their group's coordinator, a broker,
not in the gateway that created them: **any gateway serves any instance**, so no sticky load
balancing is needed, and \`base_uri\` may be called through any of them. Groups are Kafka's: the
instances that subscribe share the topics' partitions (each partition read by one instance at a
time; partitions move when instances come, go, or stay silent past \`session.timeout.ms\`), and
committed offsets are stored in the internal topic \`__consumer_offsets\`, created on first use.
A records read answers as soon as records are there (the REST Proxy waits for its whole timeout
unless fetch.min.bytes is set), at most the instance's \`consumer.request.timeout.ms\`. With
\`auto.commit.enable\` (the default) what a read returns is committed before it is returned
(**at-most-once**); with \`"false"\` commit with \`POST .../offsets\`, and a partition that moves
to another instance is read again from its committed offset (at-least-once).

## Extensions beyond the REST Proxy
- \`GET /topics/{topic}/partitions/{partition}/records?offset=&max_bytes=&timeout=\`: a stateless
  partition read, as Redpanda's HTTP Proxy offers, returning records with \`timestamp\` (ms since
  the epoch) and \`headers\` encoded as the REST Proxy v3 produce request takes them
  (\`[{"name": …, "value": base64 or null}]\`).
- The async produce option above, and \`?acks=\` on produce (the REST Proxy takes acks only from
  its own producer config).
- \`GET /consumers/{group}/instances/{instance}/records\` with \`Accept: text/event-stream\`: the
  instance's records as Server-Sent Events, one \`record\` event per record with id
  \`<topic>:<partition>:<offset>\`; reconnecting with \`Last-Event-ID\` resumes after that record.
- Consumer settings \`session.timeout.ms\` (default 45000), \`ack.timeout.ms\` (records not
  committed within it are delivered again) and \`partition.assignment.strategy\` (range,
  roundrobin, sticky).
- \`GET .../offsets\` without a body answers every offset the group has committed (the REST Proxy
  needs a GET body, which fetch() cannot send).
- \`POST /v3/clusters/{cluster_id}/consumer-groups/{group}/offsets:reset\`: set a group's committed
  offsets (earliest, latest or a given offset) while it has no members.
- \`?include_internal=true\` on the topic lists shows \`__consumer_offsets\`, which they hide;
  producing to it is 400/40002.

## Deliberate differences from the REST Proxy
- v2 produce to an unknown topic answers 404/40401 at once (the REST Proxy's producer waits for
  the topic's metadata, then fails each record with 50003).
- An invalid topic name is 400/40002 (the REST Proxy answers 500/50002).
- Bad base64 is 422/42207 (the REST Proxy answers 408/40801, a serialization error).
- Body shape errors are 422 (error_code 422); recent REST Proxy versions answer type mismatches
  with 400.
- v3 create topic answers with the created topic's real partition count.
- A produce with acks=0 reports \`offset: null\` (v2 and v3, with HTTP 200 / \`error_code\` 200):
  the leader never tells where the records went. A REST Proxy whose producer runs with acks=0
  reports Kafka's placeholder offset -1 instead.
- v3 consumer lag lists every partition the group has committed or reads now; where nothing is
  committed yet, \`current_offset\` and \`lag\` are null (the REST Proxy lists only committed ones).
- Only the binary and json consumer formats exist (no Schema Registry); seeking by timestamp is
  not supported yet (422).
- A topic config's synonyms (topic, cluster-wide, default) all carry the topic config's name;
  Kafka names the broker-level ones by their broker config (\`log.retention.ms\`).
- \`GET /v3/clusters/{cluster_id}/brokers/{broker_id}/partition-replicas\` lists what the metadata
  assigns to the broker (the REST Proxy lists what the broker's log directories hold).
`.trim()

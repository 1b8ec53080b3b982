/**
 * The other process of metadata-log-process.test.ts: campaigns for the controller lease in the
 * metadata file in `argv[2]` (lease `argv[4]` ms, real clock) as candidate `argv[3]`, appends two
 * records at its epoch, prints `appended <epoch> <last offset>`, then keeps renewing until killed.
 */
import process from 'node:process'
import { EmbeddedControllerElection, EmbeddedMetadataLog } from '../src/index.ts'

const [dir, candidateId, leaseArgument] = process.argv.slice(2)
if (dir === undefined || candidateId === undefined || leaseArgument === undefined) {
  throw new Error('usage: metadata-log-child <dir> <candidate id> <lease ms>')
}
const election = await EmbeddedControllerElection.open({ dir, leaseMs: Number(leaseArgument) })
const leadership = await election.campaign(candidateId)
const log = await EmbeddedMetadataLog.open({ dir })
const last = await log.append([{ type: 'cluster', clusterId: 'cluster-1' }, { type: 'no-op' }], {
  controllerEpoch: leadership.controllerEpoch,
  expectedLastOffset: await log.lastOffset(),
})
process.stdout.write(`appended ${leadership.controllerEpoch} ${last}\n`)
await leadership.lost
process.stdout.write('lost\n')
process.exit(1)

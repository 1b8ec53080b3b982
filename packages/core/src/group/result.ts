import { errorFromData } from '../errors/index.ts'
import type { GroupOp, GroupResponse, GroupResult } from './requests.ts'

/** The result of a response, or its error thrown as the TributaryError it stands for. */
export function groupResultOf<Op extends GroupOp>(response: GroupResponse<Op>): GroupResult<Op> {
  if (response.ok) return response.result
  throw errorFromData(response.error)
}

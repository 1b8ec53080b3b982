/**
 * HTTP plumbing shared by the routes: request bodies with a size limit, JSON parsing with the
 * REST Proxy's 400, and the error handler.
 */
export { parseJson, readBody, readGetJson, readJson } from './body.ts'
export { createErrorHandler, errorResponse } from './on-error.ts'
export { originOf } from './origin.ts'
export { validationHook } from './validation.ts'

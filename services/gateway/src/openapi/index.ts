/**
 * The OpenAPI document: named components routes refer to, error responses, the API description.
 */
export {
  contentOf,
  errorResponses,
  errorSchema,
  named,
  ref,
  registerComponents,
} from './components.ts'
export { apiDescription } from './description.ts'

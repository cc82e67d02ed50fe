import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { openApiDocument } from '../../shared/http/openapi.js';

/**
 * The OpenAPI document as a contract for every response the e2e suites receive
 * (test/helpers/client.ts checks each one): the response must be one the document lists
 * for its route, method and status, and a JSON body must match the schema given there. A
 * route, method or status the document does not know fails as well: the document cannot
 * drift from what the API does.
 */
interface Operation {
  responses: Record<string, { content?: Record<string, unknown> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
}

const DOCUMENT_ID = 'https://partwise.dev/openapi.json';
const doc = openApiDocument() as unknown as Document;
const ajv = new Ajv2020({ strict: false, allErrors: true });
formats.default(ajv);
ajv.addSchema(doc as object, DOCUMENT_ID);

/** Path templates, literal ones before those with parameters (`/events/stream` before `/events/{id}`). */
const TEMPLATES = Object.keys(doc.paths)
  .map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{\w+\}/g, '[^/]+')}$`),
    parameters: (template.match(/\{/g) ?? []).length,
  }))
  .sort((a, b) => a.parameters - b.parameters);

const validators = new Map<string, ValidateFunction>();

function validatorAt(pointer: string[]): ValidateFunction {
  const fragment = pointer
    .map((part) => encodeURIComponent(part.replace(/~/g, '~0').replace(/\//g, '~1')))
    .join('/');
  let validate = validators.get(fragment);
  if (!validate) {
    validate = ajv.compile({ $ref: `${DOCUMENT_ID}#/${fragment}` });
    validators.set(fragment, validate);
  }
  return validate;
}

const PROBLEM = ['components', 'schemas', 'Problem'];

function mediaTypeOf(contentType: string | null): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function describeErrors(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .slice(0, 10)
    .map(
      (error) => `  ${error.instancePath || '(body)'} ${error.message ?? ''} ${JSON.stringify(error.params)}`,
    )
    .join('\n');
}

/** A problem for a route the router does not have: fine for a path or method no route takes. */
function isNoRouteProblem(status: number, body: unknown): boolean {
  if (!validatorAt(PROBLEM)(body)) return false;
  const type = (body as { type: string }).type;
  return (
    (status === 404 && type === 'urn:partwise:problem:route-not-found') ||
    (status === 405 && type.startsWith('urn:partwise:problem:')) ||
    // The gateway refuses a request without a valid key before any route is looked at.
    ((status === 401 || status === 413) && type === 'about:blank')
  );
}

/**
 * Throws when the response is not one the document describes for `method path`: a clear
 * message naming the route, the status and what does not match.
 */
export function checkResponse(
  method: string,
  path: string,
  response: { status: number; contentType: string | null; text: string; body: unknown },
): void {
  const pathOnly = path.split('?')[0] ?? path;
  const at = `${method} ${pathOnly} → ${response.status}`;
  const fail = (why: string): Error =>
    new Error(
      `The response does not match the OpenAPI document (shared/http/openapi.ts): ${at}: ${why}\nbody: ${response.text.slice(0, 1000)}`,
    );
  const matched = TEMPLATES.find(({ pattern }) => pattern.test(pathOnly));
  const operation = matched ? doc.paths[matched.template]?.[method.toLowerCase()] : undefined;
  if (!matched || !operation) {
    if (isNoRouteProblem(response.status, response.body)) return;
    throw fail(
      matched
        ? `the document has no ${method} for ${matched.template}`
        : 'no path of the document matches, and the answer is not a route-not-found problem',
    );
  }
  const route = `${method} ${matched.template}`;
  const documented = operation.responses[String(response.status)];
  if (!documented) {
    throw fail(
      `${route} does not list status ${response.status} (it lists ${Object.keys(operation.responses).join(', ')})`,
    );
  }
  const content = documented.content;
  if (!content) {
    if (response.text !== '')
      throw fail(`${route} ${response.status} has no body in the document, but one came`);
    return;
  }
  const mediaType = mediaTypeOf(response.contentType);
  if (!(mediaType in content)) {
    throw fail(
      `${route} ${response.status} is documented as ${Object.keys(content).join(', ')}, not "${mediaType}"`,
    );
  }
  if (!mediaType.endsWith('json')) return;
  const validate = validatorAt([
    'paths',
    matched.template,
    method.toLowerCase(),
    'responses',
    String(response.status),
    'content',
    mediaType,
    'schema',
  ]);
  if (!validate(response.body))
    throw fail(
      `the body does not match the schema of ${route} ${response.status}:\n${describeErrors(validate)}`,
    );
}

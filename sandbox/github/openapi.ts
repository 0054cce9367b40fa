/**
 * GitHub's published REST description (`api.github.com` from the npm package `@octokit/openapi`, the
 * version pinned in package.json) as a checker for the stand-in: which operation a request is, whether
 * its path, query and body are what the description accepts, and whether a response the stand-in is
 * about to send has the schema the description promises for that status.
 *
 * Only the operations the stand-in serves are compiled (ajv compiles a schema and what it references on
 * first use), so loading costs the JSON parse of the description (~0.5 s) and a few small compiles.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

type Json = Record<string, unknown>;

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Json;
}

interface OperationObject {
  operationId: string;
  parameters?: (Parameter | { $ref: string })[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Json }> };
  responses: Record<string, { $ref?: string; content?: Record<string, { schema?: Json }> }>;
  externalDocs?: { url?: string };
}

interface Description {
  openapi: string;
  info: { version: string };
  paths: Record<string, Record<string, OperationObject>>;
  components: { parameters: Record<string, Parameter>; responses: Record<string, Json> } & Json;
}

/** The operations the stand-in serves, as `METHOD path-template` of the description. */
export const SERVED_OPERATIONS = [
  'GET /repos/{owner}/{repo}/deployments',
  'POST /repos/{owner}/{repo}/deployments',
  'GET /repos/{owner}/{repo}/deployments/{deployment_id}',
  'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
  'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
  'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses/{status_id}',
  'GET /repos/{owner}/{repo}/environments',
  'GET /repos/{owner}/{repo}/environments/{environment_name}',
  'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
  'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
  'GET /repos/{owner}/{repo}/issues/comments/{comment_id}',
  'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}',
  'POST /repos/{owner}/{repo}/statuses/{sha}',
  'GET /repos/{owner}/{repo}/commits/{ref}/statuses',
] as const;

export type ServedOperation = (typeof SERVED_OPERATIONS)[number];

/** One finding: where (`body.ref`, `query.per_page`, `path.deployment_id`), what kind, and a sentence. */
export interface ContractProblem {
  field: string;
  /** GitHub's error codes: missing_field, invalid. */
  code: 'missing_field' | 'invalid';
  message: string;
}

export interface MatchedOperation {
  key: ServedOperation;
  operationId: string;
  /** GitHub's documentation page for the operation (what error bodies link to). */
  documentationUrl: string;
  params: Record<string, string>;
}

interface Route {
  key: ServedOperation;
  method: string;
  regex: RegExp;
  names: string[];
  operation: OperationObject;
}

/** Where the installed `@octokit/openapi` keeps the description; read from disk, never bundled. */
export function descriptionPath(): string {
  return createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.json');
}

const FORMATS: Record<string, RegExp> = {
  'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  // GitHub sends "" for an unset URL (the description's own `default: ""` for target_url, log_url,
  // environment_url), so the empty string passes; anything else must be an absolute URI.
  uri: /^$|^[a-z][a-z0-9+.-]*:\S*$/i,
};

export class GitHubRestContract {
  /** The description's own version (`info.version`), e.g. `1.1.4`. */
  readonly version: string;
  private readonly ajv: Ajv;
  private readonly description: Description;
  private readonly routes: Route[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(path = descriptionPath()) {
    this.description = JSON.parse(readFileSync(path, 'utf8')) as Description;
    this.version = this.description.info.version;
    // OpenAPI 3.0 keywords (nullable, example, x-github …): ajv knows `nullable`; the rest are annotations.
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true, discriminator: false });
    for (const [name, pattern] of Object.entries(FORMATS)) this.ajv.addFormat(name, pattern);
    for (const name of ['int64', 'int32', 'double', 'repo.nwo', 'binary', 'date', 'uri-template', 'email'])
      this.ajv.addFormat(name, true);
    this.ajv.addFormat('timestamp', true);
    this.ajv.addSchema({ $id: 'github.json', components: this.description.components });
    for (const key of SERVED_OPERATIONS) {
      const [method, template] = key.split(' ') as [string, string];
      const operation = this.description.paths[template]?.[method.toLowerCase()];
      if (!operation)
        throw new Error(`the REST description ${this.version} has no operation ${key}; was it renamed?`);
      const names = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
      const regex = new RegExp(`^${template.replace(/\{[^}]+\}/g, '([^/]+)')}$`);
      this.routes.push({ key, method, regex, names, operation });
    }
  }

  /** The served operation for a request, or undefined (the stand-in answers 404 Not Found). */
  match(method: string, path: string): MatchedOperation | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const found = route.regex.exec(path);
      if (!found) continue;
      const params = Object.fromEntries(
        route.names.map((name, i) => [name, decodeURIComponent(found[i + 1] as string)]),
      );
      return {
        key: route.key,
        operationId: route.operation.operationId,
        documentationUrl: route.operation.externalDocs?.url ?? 'https://docs.github.com/rest',
        params,
      };
    }
    return undefined;
  }

  /** What the description says is wrong with a request's path parameters, query and JSON body. */
  checkRequest(
    key: ServedOperation,
    request: { params: Record<string, string>; query: URLSearchParams; body: unknown },
  ): ContractProblem[] {
    const operation = this.route(key).operation;
    const problems: ContractProblem[] = [];
    for (const raw of operation.parameters ?? []) {
      const parameter = this.parameter(raw);
      if (parameter.in !== 'path' && parameter.in !== 'query') continue;
      const value =
        parameter.in === 'path' ? request.params[parameter.name] : request.query.get(parameter.name);
      if (value === undefined || value === null) {
        if (parameter.required)
          problems.push({
            field: `${parameter.in}.${parameter.name}`,
            code: 'missing_field',
            message: `"${parameter.name}" wasn't supplied.`,
          });
        continue;
      }
      if (!parameter.schema) continue;
      const coerced = coerce(value, parameter.schema);
      const validate = this.compile(`${key} ${parameter.in}.${parameter.name}`, parameter.schema);
      if (!validate(coerced))
        problems.push({
          field: `${parameter.in}.${parameter.name}`,
          code: 'invalid',
          message: `${JSON.stringify(value)} is not a valid value for ${parameter.in} parameter "${parameter.name}" (${errorsText(validate.errors)})`,
        });
    }
    const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
    if (bodySchema) {
      if (request.body === undefined) {
        if (operation.requestBody?.required)
          problems.push({ field: 'body', code: 'missing_field', message: 'a JSON body is required' });
      } else {
        const validate = this.compile(`${key} body`, bodySchema);
        if (!validate(request.body)) problems.push(...(validate.errors ?? []).map(bodyProblem));
      }
    }
    return problems;
  }

  /**
   * What the description says is wrong with a response body for this operation and status; a status
   * the description does not list for the operation is itself a problem.
   */
  checkResponse(key: ServedOperation, status: number, body: unknown): string[] {
    const operation = this.route(key).operation;
    let response = operation.responses[String(status)];
    // GitHub answers 401, 403, 404, 400 and the 409s the description lists without a body schema with
    // its basic error object ({message, documentation_url, status}).
    const basicError = { $ref: '#/components/schemas/basic-error' };
    if (!response) {
      if (status < 400) return [`${key}: the description lists no ${status} response`];
      response = { content: { 'application/json': { schema: basicError } } };
    }
    if (response.$ref) response = this.resolve(response.$ref) as typeof response;
    let schema = response.content?.['application/json']?.schema;
    if (!schema && status >= 400 && body !== undefined) schema = basicError;
    if (!schema) return body === undefined ? [] : [`${key} ${status}: the description says no body`];
    const validate = this.compile(`${key} ${status}`, schema);
    return validate(body) ? [] : [`${key} ${status}: ${errorsText(validate.errors)}`];
  }

  private route(key: ServedOperation): Route {
    const route = this.routes.find((r) => r.key === key);
    if (!route) throw new Error(`not a served operation: ${key}`);
    return route;
  }

  private parameter(raw: Parameter | { $ref: string }): Parameter {
    return '$ref' in raw ? (this.resolve(raw.$ref) as Parameter) : raw;
  }

  private resolve(ref: string): unknown {
    let node: unknown = this.description;
    for (const part of ref.replace(/^#\//, '').split('/')) node = (node as Json)[part];
    if (node === undefined) throw new Error(`unresolvable $ref ${ref} in the REST description`);
    return node;
  }

  private compile(cacheKey: string, schema: Json): ValidateFunction {
    let validate = this.compiled.get(cacheKey);
    if (!validate) {
      // Local refs point into the registered components document.
      const rewritten = JSON.parse(
        JSON.stringify(schema).replace(/"#\/components\//g, '"github.json#/components/'),
      ) as Json;
      validate = this.ajv.compile(rewritten);
      this.compiled.set(cacheKey, validate);
    }
    return validate;
  }
}

/** Query and path values are strings on the wire; the description types some as integers or booleans. */
function coerce(value: string, schema: Json): unknown {
  const type = schema['type'];
  if (type === 'integer' || type === 'number') return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  if (type === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
  return value;
}

function errorsText(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`).join('; ');
}

/** An ajv finding on a body, worded as GitHub words its "Invalid request" messages. */
function bodyProblem(error: ErrorObject): ContractProblem {
  const path = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (error.keyword === 'required') {
    const missing = String((error.params as { missingProperty: string }).missingProperty);
    return {
      field: path ? `${path}.${missing}` : missing,
      code: 'missing_field',
      message: `"${missing}" wasn't supplied.`,
    };
  }
  if (error.keyword === 'enum') {
    const allowed = (error.params as { allowedValues: unknown[] }).allowedValues;
    return {
      field: path,
      code: 'invalid',
      message: `For 'properties/${path}', the value is not one of ${JSON.stringify(allowed)}.`,
    };
  }
  return {
    field: path || 'body',
    code: 'invalid',
    message: `For '${path ? `properties/${path}` : 'the body'}', ${error.message ?? 'the value is invalid'}.`,
  };
}

/**
 * Validate the stand-in's recorded exchanges against Argo CD's published swagger (../shared/argocd/swagger.json)
 * with ajv. Only the divergences API-NOTES documents are allowed, each named in DOCUMENTED_DIVERGENCES.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import type { Exchange } from '../../../sandbox/argocd/index.js';

export const SWAGGER_PATH = '/work/shared/argocd/swagger.json';

interface Operation {
  operationId: string;
  parameters?: {
    name: string;
    in: string;
    required?: boolean;
    type?: string;
    schema?: Record<string, unknown>;
  }[];
  responses: Record<string, { schema?: Record<string, unknown> }>;
}

/** Where the wire format differs from what the swagger says, with the API-NOTES section that says why. */
export const DOCUMENTED_DIVERGENCES = {
  /** §0: grpc-gateway answers 415 for non-GET requests without application/json, as text/plain, not runtimeError. */
  contentType415: 'Invalid content type\n',
} as const;

export interface Violation {
  exchange: string;
  problem: string;
}

export class SwaggerContract {
  private readonly ajv: Ajv;
  private readonly routes: { method: string; regex: RegExp; template: string; operation: Operation }[] = [];
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(path = SWAGGER_PATH) {
    const swagger = JSON.parse(readFileSync(path, 'utf8')) as {
      paths: Record<string, Record<string, Operation>>;
      definitions: Record<string, unknown>;
    };
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    // Formats the swagger uses; int64 values are JSON numbers on this gateway (API-NOTES §0).
    this.ajv.addFormat('int32', {
      type: 'number',
      validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31,
    });
    this.ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
    this.ajv.addFormat('uint64', {
      type: 'number',
      validate: (n: number) => Number.isSafeInteger(n) && n >= 0,
    });
    this.ajv.addFormat('uint32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= 0 });
    this.ajv.addFormat('double', { type: 'number', validate: () => true });
    this.ajv.addFormat('float', { type: 'number', validate: () => true });
    this.ajv.addFormat('byte', { type: 'string', validate: (s: string) => /^[A-Za-z0-9+/=]*$/.test(s) });
    this.ajv.addFormat('date-time', {
      type: 'string',
      validate: (s: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s),
    });
    this.ajv.addSchema({ $id: 'swagger.json', definitions: swagger.definitions });
    for (const [template, methods] of Object.entries(swagger.paths)) {
      const regex = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
      for (const [method, operation] of Object.entries(methods))
        this.routes.push({ method: method.toUpperCase(), regex, template, operation });
    }
    // Literal segments beat parameters (e.g. /applications/{name}/sync over /applications/{a}/{b}).
    this.routes.sort(
      (a, b) => b.template.replace(/\{[^}]+\}/g, '').length - a.template.replace(/\{[^}]+\}/g, '').length,
    );
  }

  /** The swagger operation for a request, or undefined when the path is not in the spec. */
  operationFor(method: string, path: string): { template: string; operation: Operation } | undefined {
    return this.routes.find((route) => route.method === method && route.regex.test(path));
  }

  private validator(schema: Record<string, unknown>): ValidateFunction {
    const key = JSON.stringify(schema);
    let validate = this.cache.get(key);
    if (!validate) {
      // Rewrite local refs to the registered definitions document.
      const rewritten = JSON.parse(
        key.replace(/"#\/definitions\//g, '"swagger.json#/definitions/'),
      ) as Record<string, unknown>;
      validate = this.ajv.compile(rewritten);
      this.cache.set(key, validate);
    }
    return validate;
  }

  private check(
    schema: Record<string, unknown> | undefined,
    value: unknown,
    label: string,
    out: Violation[],
    exchange: string,
  ): void {
    if (!schema) return;
    const validate = this.validator(schema);
    if (!validate(value)) {
      out.push({
        exchange,
        problem: `${label}: ${this.ajv.errorsText(validate.errors, { separator: '; ' })}`,
      });
    }
  }

  /** Every way `exchange` departs from the swagger (empty when it conforms). */
  validate(exchange: Exchange): Violation[] {
    const name = `${exchange.method} ${exchange.path} -> ${exchange.status}`;
    const out: Violation[] = [];
    const route = this.operationFor(exchange.method, exchange.path);
    if (!route) return [{ exchange: name, problem: 'path/method not in the swagger' }];
    const { operation } = route;
    for (const parameter of operation.parameters ?? []) {
      if (parameter.in === 'query' && exchange.query[parameter.name] && parameter.type === 'boolean') {
        for (const value of exchange.query[parameter.name] ?? []) {
          if (!['true', 'false'].includes(value))
            out.push({ exchange: name, problem: `query ${parameter.name}=${value} is not a boolean` });
        }
      }
    }
    const known = new Set((operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name));
    for (const key of Object.keys(exchange.query)) {
      if (!known.has(key))
        out.push({ exchange: name, problem: `query parameter '${key}' is not in the swagger` });
    }
    const bodyParameter = (operation.parameters ?? []).find((p) => p.in === 'body');
    if (bodyParameter && exchange.requestBody !== undefined && typeof exchange.requestBody === 'object') {
      this.check(bodyParameter.schema, exchange.requestBody, 'request body', out, name);
    }
    if (exchange.status === 415) {
      if (exchange.responseBody !== DOCUMENTED_DIVERGENCES.contentType415)
        out.push({ exchange: name, problem: '415 body is not the documented text' });
      return out;
    }
    const response = operation.responses[String(exchange.status)] ?? operation.responses['default'];
    if (!response)
      return [...out, { exchange: name, problem: `status ${exchange.status} not in the swagger` }];
    if (exchange.streamLines) {
      for (const [i, line] of exchange.streamLines.entries())
        this.check(response.schema, line, `stream line ${i}`, out, name);
      return out;
    }
    if (exchange.contentType !== 'application/json')
      out.push({ exchange: name, problem: `content type ${exchange.contentType}` });
    this.check(response.schema, exchange.responseBody, 'response body', out, name);
    if (exchange.status >= 400) {
      const body = exchange.responseBody as { error?: string; message?: string; code?: number };
      if (!body || body.error !== body.message || typeof body.code !== 'number') {
        out.push({
          exchange: name,
          problem: 'error body is not {error, code, message} with error === message',
        });
      }
    }
    return out;
  }
}

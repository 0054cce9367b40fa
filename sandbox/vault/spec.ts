/**
 * Vault's request contract: the routes of HashiCorp's published OpenAPI document (cut to what Paved
 * needs; openapi.json beside this file, identical to ../shared/vault/openapi.json) and an ajv validator
 * for each request's path parameters, query and JSON body. The stand-in checks every request it serves
 * with it, and the tests check every request the vault-secrets action sends.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import openapi from './openapi.json' with { type: 'json' };

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Record<string, unknown>;
}

interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Record<string, unknown> }> };
}

export interface Route {
  method: string;
  template: string;
  operationId: string;
  /** Whether Vault serves it without a token (login, health). */
  unauthenticated: boolean;
  /** Path parameters by name, for a matched request. */
  params: Record<string, string>;
}

export interface RequestToCheck {
  method: string;
  /** Path after `/v1`, e.g. `/secret/data/ci`. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body, or undefined when there was none. */
  body: unknown;
}

interface CompiledRoute {
  method: string;
  template: string;
  regex: RegExp;
  names: string[];
  operation: Operation;
  parameters: Parameter[];
  unauthenticated: boolean;
  body: ValidateFunction | undefined;
  bodyRequired: boolean;
}

/** Vault's durations: Go duration strings (`1h30m`, `90s`) or whole seconds. */
const DURATION = /^(\d+|(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+)$/;

export class VaultSpec {
  private readonly routes: CompiledRoute[] = [];
  private readonly ajv: Ajv;

  constructor(document: typeof openapi = openapi) {
    this.ajv = new Ajv({ strict: false, allErrors: true });
    this.ajv.addFormat('duration', { type: 'string', validate: (s: string) => DURATION.test(s) });
    // Formats Vault's document uses for its own field conversions; any value of the declared type passes.
    for (const format of ['lowercase', 'kvpairs', 'map', 'commastringslice', 'seconds'])
      this.ajv.addFormat(format, true);
    this.ajv.addSchema({ $id: 'vault-openapi.json', components: document.components });
    for (const [template, item] of Object.entries(
      document.paths as Record<string, Record<string, unknown>>,
    )) {
      const shared = (item['parameters'] ?? []) as Parameter[];
      const names: string[] = [];
      // `path` (a secret's location) spans segments, as Vault's own route patterns do; other parameters are one segment.
      const regex = new RegExp(
        `^${template.replace(/\{([^}]+)\}/g, (_m, name: string) => {
          names.push(name);
          return name === 'path' ? '(.+)' : '([^/]+)';
        })}$`,
      );
      for (const method of ['get', 'post', 'delete', 'put', 'list']) {
        const operation = item[method] as Operation | undefined;
        if (!operation) continue;
        const schema = operation.requestBody?.content['application/json']?.schema;
        this.routes.push({
          method: method.toUpperCase(),
          template,
          regex,
          names,
          operation,
          parameters: [...shared, ...(operation.parameters ?? [])],
          unauthenticated: item['x-vault-unauthenticated'] === true,
          body: schema ? this.ajv.compile(this.rewrite(schema)) : undefined,
          bodyRequired: operation.requestBody?.required === true,
        });
      }
    }
    // Literal segments beat parameters: /auth/token/lookup-self before /{kv_v1_mount_path}/{path}.
    const literal = (t: string): number => t.replace(/\{[^}]+\}/g, '').length;
    this.routes.sort((a, b) => literal(b.template) - literal(a.template));
  }

  private rewrite(schema: Record<string, unknown>): Record<string, unknown> {
    return JSON.parse(
      JSON.stringify(schema).replace(/"#\/components\//g, '"vault-openapi.json#/components/'),
    ) as Record<string, unknown>;
  }

  /** Every route of the document that matches, most specific first. */
  matches(method: string, path: string): Route[] {
    const found: Route[] = [];
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const match = route.regex.exec(path);
      if (!match) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => (params[name] = decodeURIComponent(match[i + 1] as string)));
      found.push({
        method,
        template: route.template,
        operationId: route.operation.operationId,
        unauthenticated: route.unauthenticated,
        params,
      });
    }
    return found;
  }

  /** The problems of a request against one matched route's operation (empty when it conforms). */
  check(route: Route, request: RequestToCheck): string[] {
    const compiled = this.routes.find((r) => r.template === route.template && r.method === route.method);
    if (!compiled) return [`${route.method} ${route.template} is not in the document`];
    const problems: string[] = [];
    for (const parameter of compiled.parameters) {
      if (parameter.in === 'query') {
        const value = request.query[parameter.name];
        if (value === undefined) {
          if (parameter.required) problems.push(`query parameter "${parameter.name}" is required`);
          continue;
        }
        const allowed = parameter.schema?.['enum'] as unknown[] | undefined;
        if (allowed && !allowed.includes(value))
          problems.push(`query parameter "${parameter.name}" must be one of ${JSON.stringify(allowed)}`);
      }
    }
    for (const name of Object.keys(request.query)) {
      // Vault reads these on every route; anything else a client sends is ignored by Vault, so it is noted.
      if (['list', 'version', 'warning'].includes(name)) continue;
      if (!compiled.parameters.some((p) => p.in === 'query' && p.name === name))
        problems.push(`query parameter "${name}" is not defined for ${compiled.operation.operationId}`);
    }
    if (request.body === undefined) {
      if (compiled.bodyRequired && compiled.method !== 'GET')
        problems.push(`${compiled.operation.operationId} needs a JSON body`);
    } else if (!compiled.body) {
      if (compiled.method === 'GET') problems.push(`${compiled.operation.operationId} takes no body`);
    } else if (!compiled.body(request.body)) {
      problems.push(
        `body: ${this.ajv.errorsText(compiled.body.errors, { separator: '; ', dataVar: 'body' })}`,
      );
    }
    return problems;
  }

  /** Every operation of the document, for coverage checks. */
  operations(): { method: string; template: string; operationId: string }[] {
    return this.routes.map((r) => ({
      method: r.method,
      template: r.template,
      operationId: r.operation.operationId,
    }));
  }
}

/**
 * The action contract check: for an action, the inputs its code reads (through InputReader) and the
 * outputs it sets (through setOutput) must be exactly those its action.yml declares, with the same
 * `required` flags and defaults. Uses the TypeScript type checker, so calls are recognised by the symbol
 * they resolve to, not by their spelling.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { loadActionManifest } from '../../shared/action-manifest.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const INPUTS_FILE = join(repoRoot, 'shared', 'inputs.ts');
const OUTPUTS_FILE = join(repoRoot, 'shared', 'outputs.ts');
/** Reader methods, and which argument holds the options object. */
const READERS: Record<string, number> = {
  string: 1,
  secret: 2,
  enum: 2,
  integer: 1,
  number: 1,
  duration: 1,
  boolean: 1,
  list: 1,
  map: 1,
  url: 1,
  object: 1,
  yamlObject: 1,
};
const NO_DEFAULT_SUPPORT = new Set(['list', 'map', 'object', 'yamlObject', 'secret']);
const FORBIDDEN_CORE = new Set(['getInput', 'getBooleanInput', 'getMultilineInput', 'setOutput']);

export interface InputRead {
  name: string;
  method: string;
  required: boolean;
  default: string | undefined;
  where: string;
}

export interface ContractReport {
  inputs: InputRead[];
  outputs: string[];
  problems: string[];
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

function literalText(node: ts.Expression, checker: ts.TypeChecker): string | undefined {
  if (ts.isStringLiteralLike(node)) return node.text;
  if (ts.isNumericLiteral(node)) return node.text;
  if (node.kind === ts.SyntaxKind.TrueKeyword) return 'true';
  if (node.kind === ts.SyntaxKind.FalseKeyword) return 'false';
  if (ts.isAsExpression(node) || ts.isParenthesizedExpression(node))
    return literalText(node.expression, checker);
  const type = checker.getTypeAtLocation(node);
  if (type.isStringLiteral() || type.isNumberLiteral()) return String(type.value);
  if (type.flags & ts.TypeFlags.BooleanLiteral) return checker.typeToString(type);
  return undefined;
}

/**
 * The input name(s) an argument can be: a literal, or a parameter typed as a union of literals
 * (a helper such as `command(reader, name: 'install-command' | 'build-command')` reads each).
 */
function literalNames(node: ts.Expression, checker: ts.TypeChecker): string[] {
  const single = literalText(node, checker);
  if (single !== undefined) return [single];
  const type = checker.getTypeAtLocation(node);
  if (type.isUnion() && type.types.every((t) => t.isStringLiteral())) {
    return type.types.map((t) => (t as ts.StringLiteralType).value);
  }
  return [];
}

function declaredIn(symbol: ts.Symbol | undefined, checker: ts.TypeChecker): ts.Declaration | undefined {
  if (!symbol) return undefined;
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  return target.declarations?.[0];
}

/** Analyse every action directory in one TypeScript program. */
export function checkActionContracts(actionDirs: string[]): Map<string, ContractReport> {
  const files = actionDirs.flatMap((dir) => tsFiles(join(dir, 'src')));
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  const reports = new Map<string, ContractReport>();

  for (const dir of actionDirs) {
    const report: ContractReport = { inputs: [], outputs: [], problems: [] };
    reports.set(dir, report);
    const srcDir = join(dir, 'src');
    for (const sourceFile of program.getSourceFiles()) {
      if (!sourceFile.fileName.startsWith(`${srcDir}/`)) continue;
      const visit = (node: ts.Node): void => {
        if (ts.isCallExpression(node)) inspectCall(node, sourceFile, report);
        ts.forEachChild(node, visit);
      };
      visit(sourceFile);
    }
    compareWithManifest(dir, report);
  }
  return reports;

  function inspectCall(call: ts.CallExpression, sourceFile: ts.SourceFile, report: ContractReport): void {
    const callee = call.expression;
    const nameNode = ts.isPropertyAccessExpression(callee)
      ? callee.name
      : ts.isIdentifier(callee)
        ? callee
        : undefined;
    if (!nameNode) return;
    const declaration = declaredIn(checker.getSymbolAtLocation(nameNode), checker);
    if (!declaration) return;
    const file = resolve(declaration.getSourceFile().fileName);
    const { line } = sourceFile.getLineAndCharacterOfPosition(call.getStart());
    const where = `${sourceFile.fileName.slice(repoRoot.length + 1)}:${line + 1}`;
    const method = nameNode.text;
    const first = call.arguments[0];

    if (file === INPUTS_FILE && ts.isMethodDeclaration(declaration) && method in READERS) {
      const names = first ? literalNames(first, checker) : [];
      if (names.length === 0) {
        report.problems.push(`${where}: input name passed to InputReader.${method} must be a string literal`);
        return;
      }
      const options = call.arguments[READERS[method] as number];
      let required = false;
      let defaultValue: string | undefined;
      if (options && ts.isObjectLiteralExpression(options)) {
        for (const property of options.properties) {
          if (!ts.isPropertyAssignment(property) || !ts.isIdentifier(property.name)) continue;
          if (property.name.text === 'required')
            required = literalText(property.initializer, checker) === 'true';
          if (property.name.text === 'default') {
            defaultValue = literalText(property.initializer, checker);
            if (defaultValue === undefined)
              report.problems.push(`${where}: default of input '${names.join("'/'")}' must be a literal`);
          }
        }
      }
      for (const name of names) report.inputs.push({ name, method, required, default: defaultValue, where });
    } else if (file === OUTPUTS_FILE && method === 'setSecretOutput') {
      // Secret outputs may be named at run time (one per secret the user asks for); a literal name is
      // a declared output like any other.
      const name = first ? literalText(first, checker) : undefined;
      if (name !== undefined && !report.outputs.includes(name)) report.outputs.push(name);
    } else if (file === OUTPUTS_FILE && method === 'setOutput') {
      const name = first ? literalText(first, checker) : undefined;
      if (name === undefined)
        report.problems.push(`${where}: output name passed to setOutput must be a string literal`);
      else if (!report.outputs.includes(name)) report.outputs.push(name);
    } else if (file.includes(`${join('node_modules', '@actions', 'core')}`) && FORBIDDEN_CORE.has(method)) {
      report.problems.push(
        `${where}: core.${method} bypasses the contract; use InputReader / setOutput from shared/`,
      );
    }
  }
}

function compareWithManifest(dir: string, report: ContractReport): void {
  const manifest = loadActionManifest(dir);
  const declared = new Map(manifest.inputs.map((input) => [input.name, input]));
  const seen = new Map<string, InputRead>();
  for (const read of report.inputs) {
    const previous = seen.get(read.name);
    if (previous) {
      report.problems.push(
        `${read.where}: input '${read.name}' is read twice (first at ${previous.where}); read each input once in getInputs()`,
      );
      continue;
    }
    seen.set(read.name, read);
    const spec = declared.get(read.name);
    if (!spec) {
      report.problems.push(`${read.where}: reads input '${read.name}', which action.yml does not declare`);
      continue;
    }
    if (spec.required !== read.required) {
      report.problems.push(
        `${read.where}: input '${read.name}' is required: ${spec.required} in action.yml but ${read.required} in code`,
      );
    }
    const ymlDefault = spec.default === '' ? undefined : spec.default;
    // A required input with a default in action.yml gets that default from the runner; the code must
    // not repeat it (it would be dead: the reader reports a required input as missing first).
    if (spec.required && read.default !== undefined) {
      report.problems.push(
        `${read.where}: input '${read.name}' is required, so its default comes from action.yml; drop the default in code`,
      );
    } else if (!spec.required && !NO_DEFAULT_SUPPORT.has(read.method) && ymlDefault !== read.default) {
      report.problems.push(
        `${read.where}: input '${read.name}' defaults to ${JSON.stringify(ymlDefault)} in action.yml but ${JSON.stringify(read.default)} in code`,
      );
    }
  }
  for (const name of declared.keys()) {
    if (!seen.has(name))
      report.problems.push(`${manifest.path}: declares input '${name}', which the code never reads`);
  }
  const declaredOutputs = new Set(manifest.outputs.map((output) => output.name));
  for (const name of report.outputs) {
    if (!declaredOutputs.has(name))
      report.problems.push(`${dir}: sets output '${name}', which action.yml does not declare`);
  }
  for (const name of declaredOutputs) {
    if (!report.outputs.includes(name))
      report.problems.push(`${manifest.path}: declares output '${name}', which the code never sets`);
  }
}

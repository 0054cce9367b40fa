export const id = 643;
export const ids = [643];
export const modules = {

/***/ 5643:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  command: () => (/* binding */ command)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(8815);
// EXTERNAL MODULE: ./.cache/tsc/shared/errors.js
var errors = __webpack_require__(1500);
;// CONCATENATED MODULE: ./.cache/tsc/shared/action-manifest.js
/**
 * action.yml as data: the single source of truth for an action's inputs, outputs and defaults. Read by
 * the engine (to run local actions), the catalog generator and the contract tests.
 * Format: https://docs.github.com/en/actions/sharing-automations/creating-actions/metadata-syntax-for-github-actions
 */




function scalar(value) {
    if (value === undefined || value === null)
        return undefined;
    if (typeof value === 'string')
        return value;
    if (typeof value === 'number' || typeof value === 'boolean')
        return String(value);
    return JSON.stringify(value);
}
/** Find action.yml or action.yaml in `dir`. */
function manifestPath(dir) {
    for (const file of ['action.yml', 'action.yaml']) {
        const path = (0,external_node_path_.join)(dir, file);
        if ((0,external_node_fs_.existsSync)(path))
            return path;
    }
    return undefined;
}
function parseActionManifest(text, path) {
    let doc;
    try {
        doc = (0,dist/* parse */.qg)(text);
    }
    catch (error) {
        throw new errors/* PavedError */.fL(`${path}: not valid YAML: ${error.message.split('\n')[0]}`, {
            cause: error,
        });
    }
    if (!doc || typeof doc !== 'object')
        throw new errors/* PavedError */.fL(`${path}: expected a mapping with 'name', 'description' and 'runs'`);
    const raw = doc;
    const runs = raw['runs'];
    if (!runs || typeof runs !== 'object' || typeof runs['using'] !== 'string') {
        throw new errors/* PavedError */.fL(`${path}: 'runs.using' is missing`);
    }
    const inputs = Object.entries(raw['inputs'] ?? {}).map(([name, spec]) => ({
        name,
        description: scalar(spec?.['description']) ?? '',
        required: spec?.['required'] === true || spec?.['required'] === 'true',
        default: scalar(spec?.['default']),
        deprecationMessage: scalar(spec?.['deprecationMessage']),
    }));
    const outputs = Object.entries(raw['outputs'] ?? {}).map(([name, spec]) => ({
        name,
        description: scalar(spec?.['description']) ?? '',
        value: scalar(spec?.['value']),
    }));
    return {
        path,
        name: scalar(raw['name']) ?? '',
        description: scalar(raw['description']) ?? '',
        author: scalar(raw['author']),
        inputs,
        outputs,
        runs: runs,
        branding: raw['branding'],
    };
}
function loadActionManifest(dir) {
    const path = manifestPath(dir);
    if (!path)
        throw new errors/* PavedError */.fL(`No action.yml or action.yaml in ${dir}`);
    return parseActionManifest((0,external_node_fs_.readFileSync)(path, 'utf8'), path);
}

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 13 modules
var lib_core = __webpack_require__(6811);
;// CONCATENATED MODULE: ./.cache/tsc/shared/secrets.js
/**
 * Secret masking. Every secret is registered here before anything is logged: the runner is told with
 * `::add-mask::` (so it replaces the value with *** in the log), and Paved keeps its own list so that it
 * can redact text it writes to places the runner does not mask (summaries, reports, error messages) and
 * refuse to put a secret into an output.
 */

const registered = new Set();
/**
 * Mask a secret and the forms it is commonly leaked in: each line of a multi-line value, its
 * URL-encoding and its base64. Values shorter than 4 characters are masked but not redacted from our
 * own text (masking "a" would garble every message).
 */
function maskSecret(value) {
    if (!value)
        return;
    const variants = new Set([value]);
    for (const line of value.split(/\r?\n/))
        if (line.trim())
            variants.add(line.trim());
    variants.add(encodeURIComponent(value));
    variants.add(Buffer.from(value, 'utf8').toString('base64'));
    for (const variant of variants) {
        core.setSecret(variant);
        if (variant.length >= 4)
            registered.add(variant);
    }
}
/** Replace every registered secret in `text` with `***`, longest first. */
function secrets_redact(text) {
    let result = text;
    for (const secret of [...registered].sort((a, b) => b.length - a.length)) {
        if (result.includes(secret))
            result = result.split(secret).join('***');
    }
    return result;
}
/** Whether `text` contains any registered secret. */
function containsSecret(text) {
    for (const secret of registered)
        if (text.includes(secret))
            return true;
    return false;
}
/** Forget every registered secret (tests only). */
function clearSecretsForTest() {
    registered.clear();
}
const SENSITIVE_QUERY = /^(access_token|token|auth|key|sig|signature|password|secret|x-amz-signature|x-amz-credential|x-amz-security-token|sv|se)$/i;
/** A URL safe to log: userinfo and credential-like query parameters replaced by `***`. */
function redactUrl(input) {
    let url;
    try {
        url = new URL(String(input));
    }
    catch {
        return secrets_redact(String(input));
    }
    if (url.username)
        url.username = '***';
    if (url.password)
        url.password = '***';
    for (const key of [...url.searchParams.keys()])
        if (SENSITIVE_QUERY.test(key))
            url.searchParams.set(key, '***');
    // Slack webhook URLs carry their secret in the path.
    if (url.hostname === 'hooks.slack.com')
        url.pathname = url.pathname.replace(/^(\/services\/[^/]+)\/.*$/, '$1/***');
    return secrets_redact(url.toString());
}

;// CONCATENATED MODULE: ./.cache/tsc/shared/summary.js
/**
 * Job summaries within the runner's limit. GitHub refuses a step summary over 1 MiB (the upload fails
 * and the summary is lost), so the builder keeps a byte budget: sections that no longer fit are left
 * out and a closing note says how many.
 */


/** The runner's per-step summary limit. */
const SUMMARY_LIMIT_BYTES = (/* unused pure expression or super */ null && (1024 * 1024));
const NOTE_RESERVE = 512;
function escapeHtml(text) {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
/** Text safe inside a Markdown table cell: pipes escaped, newlines as <br>. */
function tableCell(text) {
    return escapeHtml(text).replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}
/** A fenced code block whose fence is longer than any backtick run in the text. */
function codeBlock(text, language = '') {
    const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
    const fence = '`'.repeat(longest + 1);
    return `${fence}${language}\n${text}\n${fence}`;
}
function markdownTable(headers, rows) {
    const head = `| ${headers.map(tableCell).join(' | ')} |`;
    const rule = `| ${headers.map(() => '---').join(' | ')} |`;
    const body = rows.map((row) => `| ${row.map(tableCell).join(' | ')} |`);
    return [head, rule, ...body].join('\n');
}
/** A collapsible section. The body is Markdown; blank lines around it make GitHub render it. */
function details(summary, body) {
    return `<details><summary>${escapeHtml(summary)}</summary>\n\n${body}\n\n</details>`;
}
class SummaryBuilder {
    limitBytes;
    parts = [];
    bytes = 0;
    omitted = 0;
    constructor(limitBytes = SUMMARY_LIMIT_BYTES) {
        this.limitBytes = limitBytes;
    }
    /**
     * Append a Markdown section if it fits the budget. Returns false (and counts it as left out) when it
     * does not. Registered secrets are redacted.
     */
    add(markdown) {
        const text = `${redact(markdown)}\n\n`;
        const size = Buffer.byteLength(text, 'utf8');
        if (this.bytes + size > this.limitBytes - NOTE_RESERVE) {
            this.omitted++;
            return false;
        }
        this.parts.push(text);
        this.bytes += size;
        return true;
    }
    heading(text, level = 2) {
        return this.add(`${'#'.repeat(level)} ${text}`);
    }
    /** Sections left out so far. */
    get omittedSections() {
        return this.omitted;
    }
    toString() {
        const note = this.omitted > 0
            ? `> [!NOTE]\n> ${this.omitted} more section(s) were left out to keep this summary under GitHub's ${Math.round(this.limitBytes / 1024)} KiB limit; the full results are in the step's outputs and log.\n`
            : '';
        return this.parts.join('') + note;
    }
    /** Append to the job summary (GITHUB_STEP_SUMMARY). Without a runner, does nothing. */
    async write(env = process.env) {
        if (!env['GITHUB_STEP_SUMMARY'])
            return;
        await core.summary.addRaw(this.toString()).write();
    }
}

;// CONCATENATED MODULE: ./.cache/tsc/cli/catalog.js
/**
 * action-catalog.md, generated from every actions/<name>/action.yml (plus an optional
 * actions/<name>/catalog-notes.md for behaviour worth knowing that does not fit a description).
 * CI fails when the committed file differs from what this produces.
 */




function listActionDirs(root) {
    const dir = (0,external_node_path_.join)(root, 'actions');
    if (!(0,external_node_fs_.existsSync)(dir))
        return [];
    return (0,external_node_fs_.readdirSync)(dir)
        .sort()
        .map((name) => (0,external_node_path_.join)(dir, name))
        .filter((path) => manifestPath(path) !== undefined);
}
function oneLine(text) {
    return text.trim().replace(/\s*\n\s*/g, ' ');
}
function usage(name, manifest, owner, version) {
    const required = manifest.inputs.filter((i) => i.required);
    const lines = [`- uses: ${owner}/paved/actions/${name}@${version}`];
    if (required.length > 0) {
        lines.push('  with:');
        for (const input of required)
            lines.push(`    ${input.name}: # ${oneLine(input.description).slice(0, 80)}`);
    }
    return ['```yaml', ...lines, '```'].join('\n');
}
function renderCatalog(root, owner = '<org>', version = 'v1') {
    const sections = [
        '# Action catalog',
        '',
        '<!-- Generated by `npm run catalog` from every actions/*/action.yml. Do not edit by hand. -->',
        '',
    ];
    const dirs = listActionDirs(root);
    if (dirs.length === 0)
        sections.push('No actions yet.', '');
    else {
        sections.push(markdownTable(['action', 'what it does'], dirs.map((dir) => {
            const name = dir.split('/').pop();
            return [`[${name}](#${name})`, oneLine(loadActionManifest(dir).description)];
        })), '');
    }
    for (const dir of dirs) {
        const name = dir.split('/').pop();
        const manifest = loadActionManifest(dir);
        sections.push(`## ${name}`, '', oneLine(manifest.description), '', usage(name, manifest, owner, version), '');
        sections.push('### Inputs', '');
        sections.push(manifest.inputs.length === 0
            ? 'None.'
            : markdownTable(['name', 'required', 'default', 'description'], manifest.inputs.map((i) => [
                `\`${i.name}\``,
                i.required ? 'yes' : 'no',
                i.default === undefined || i.default === '' ? '' : `\`${oneLine(i.default)}\``,
                oneLine(i.description) +
                    (i.deprecationMessage ? ` **Deprecated:** ${oneLine(i.deprecationMessage)}` : ''),
            ])), '');
        sections.push('### Outputs', '');
        sections.push(manifest.outputs.length === 0
            ? 'None.'
            : markdownTable(['name', 'description'], manifest.outputs.map((o) => [`\`${o.name}\``, oneLine(o.description)])), '');
        const notes = (0,external_node_path_.join)(dir, 'catalog-notes.md');
        if ((0,external_node_fs_.existsSync)(notes))
            sections.push((0,external_node_fs_.readFileSync)(notes, 'utf8').trim(), '');
    }
    return `${sections.join('\n').trimEnd()}\n`;
}

;// CONCATENATED MODULE: ./.cache/tsc/cli/commands/catalog.js



const command = {
    name: 'catalog',
    summary: 'print the action catalog, or write/check action-catalog.md',
    usage: 'paved catalog [--write | --check] [--root DIR]',
    async run(args, io) {
        let mode = 'print';
        let root = io.cwd;
        for (let i = 0; i < args.length; i++) {
            const arg = args[i];
            if (arg === '--write')
                mode = 'write';
            else if (arg === '--check')
                mode = 'check';
            else if (arg === '--root' && args[i + 1])
                root = args[++i];
            else
                return io.usageError(`unknown argument ${JSON.stringify(arg)}`);
        }
        const text = renderCatalog(root);
        const file = (0,external_node_path_.join)(root, 'action-catalog.md');
        if (mode === 'print')
            io.out(text.trimEnd());
        else if (mode === 'write') {
            (0,external_node_fs_.writeFileSync)(file, text);
            io.out(`wrote ${file}`);
        }
        else {
            const current = (0,external_node_fs_.existsSync)(file) ? (0,external_node_fs_.readFileSync)(file, 'utf8') : '';
            if (current !== text) {
                io.err(`${file} is stale: run 'npm run catalog' and commit the result`);
                return 1;
            }
            io.out('action-catalog.md is up to date');
        }
        return 0;
    },
};


/***/ })

};

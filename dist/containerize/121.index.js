export const id = 121;
export const ids = [121];
export const modules = {

/***/ 7121:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   B: () => (/* binding */ writeSecretFiles),
/* harmony export */   buildWithDocker: () => (/* binding */ buildWithDocker),
/* harmony export */   dockerEngineAnswers: () => (/* binding */ dockerEngineAnswers)
/* harmony export */ });
/* unused harmony export dockerBuildxArgs */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8161);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);
/* harmony import */ var _shared_errors_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(1500);
/* harmony import */ var _shared_log_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(9653);
/* harmony import */ var _shared_oci_types_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(6656);
/* harmony import */ var _command_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(3181);
/**
 * The docker builder: `docker buildx build --push` with an argument array. Secrets reach BuildKit as
 * files (`--secret id=…,src=…`), never on the command line.
 * Flags: https://docs.docker.com/reference/cli/docker/buildx/build/
 */







function pairs(flag, values) {
    return Object.entries(values).flatMap(([key, value]) => [flag, `${key}=${value}`]);
}
/** The exact argv after `docker`. */
function dockerBuildxArgs(build, metadataFile) {
    return [
        'buildx',
        'build',
        '--file',
        build.file,
        ...build.tags.flatMap((tag) => ['--tag', tag]),
        ...pairs('--label', build.labels),
        ...pairs('--annotation', build.annotations),
        ...(build.platforms.length > 0 ? ['--platform', build.platforms.map(_shared_oci_types_js__WEBPACK_IMPORTED_MODULE_5__/* .formatPlatform */ .Bq).join(',')] : []),
        ...pairs('--build-arg', build.buildArgs),
        ...Object.entries(build.secretFiles).flatMap(([id, src]) => ['--secret', `id=${id},src=${src}`]),
        ...build.cacheFrom.flatMap((value) => ['--cache-from', value]),
        ...build.cacheTo.flatMap((value) => ['--cache-to', value]),
        '--metadata-file',
        metadataFile,
        ...(build.push ? ['--push'] : []),
        build.context,
    ];
}
/** Write secrets to private files for the build; returns their paths and a cleanup. */
function writeSecretFiles(secrets) {
    const dir = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdtempSync)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)((0,node_os__WEBPACK_IMPORTED_MODULE_1__.tmpdir)(), 'paved-secrets-'));
    const files = {};
    for (const [id, value] of Object.entries(secrets)) {
        const path = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(dir, id.replace(/[^A-Za-z0-9_.-]/g, '_'));
        (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.writeFileSync)(path, value, { mode: 0o600 });
        files[id] = path;
    }
    return { files, dir, cleanup: () => (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.rmSync)(dir, { recursive: true, force: true }) };
}
/** Whether a Docker engine answers (`docker info` exits 0 within 10 s) and buildx is there. */
async function dockerEngineAnswers(runner) {
    const engine = await runner('docker', ['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 10_000 });
    if (engine.code !== 0 || !engine.stdout.trim())
        return false;
    const buildx = await runner('docker', ['buildx', 'version'], { timeoutMs: 10_000 });
    return buildx.code === 0;
}
/** Build and push with buildx; returns the pushed digest from the metadata file. */
async function buildWithDocker(build, secrets, runner) {
    const secretFiles = writeSecretFiles(secrets);
    const metadataFile = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(secretFiles.dir, 'metadata.json');
    try {
        const args = dockerBuildxArgs({ ...build, secretFiles: secretFiles.files }, metadataFile);
        await (0,_command_js__WEBPACK_IMPORTED_MODULE_6__/* .runChecked */ .X)(runner, 'docker', args, { stream: _shared_log_js__WEBPACK_IMPORTED_MODULE_4__/* .info */ .pq }, 'docker buildx build');
        let metadata = {};
        try {
            metadata = JSON.parse((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(metadataFile, 'utf8'));
        }
        catch {
            if (build.push)
                throw new _shared_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .PavedError */ .fL('docker buildx did not write its metadata file, so the pushed digest is unknown');
        }
        const digest = metadata['containerimage.digest'];
        return typeof digest === 'string' ? digest : undefined;
    }
    finally {
        secretFiles.cleanup();
    }
}


/***/ })

};

export const id = 647;
export const ids = [647];
export const modules = {

/***/ 2647:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   assembleImage: () => (/* binding */ assembleImage),
/* harmony export */   buildDependencyLayer: () => (/* binding */ buildDependencyLayer),
/* harmony export */   buildSourcesLayer: () => (/* binding */ buildSourcesLayer),
/* harmony export */   dependencyLayerSalt: () => (/* binding */ dependencyLayerSalt),
/* harmony export */   presentDependencyPaths: () => (/* binding */ presentDependencyPaths),
/* harmony export */   pushImage: () => (/* binding */ pushImage),
/* harmony export */   splitTagged: () => (/* binding */ splitTagged)
/* harmony export */ });
/* unused harmony exports ignorePatterns, defaultNodeCommand */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var _shared_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1500);
/* harmony import */ var _shared_log_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(9653);
/* harmony import */ var _shared_oci_client_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(6733);
/* harmony import */ var _shared_oci_layer_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(2516);
/* harmony import */ var _shared_oci_reference_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(956);
/* harmony import */ var _shared_oci_types_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(6656);
/**
 * Paved's daemonless builder: no Dockerfile, no daemon, no root. It takes a base image from a registry
 * (one platform out of a multi-arch index), adds the application as two deterministic layers —
 * dependencies (e.g. node_modules) and sources, so a source change re-uploads only the small layer —
 * writes the image config and an OCI manifest, and pushes through the distribution API: blobs the
 * registry has are skipped, base layers are mounted across repositories, large blobs go in chunks.
 * Manifests are put only after every blob of every target is in place, so a failure never leaves a tag
 * pointing at a half-pushed image.
 */








/** `.dockerignore` lines (comments and `!` re-includes dropped) plus what never belongs in an image. */
function ignorePatterns(context) {
    const patterns = ['.git'];
    const file = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(context, '.dockerignore');
    if ((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(file)) {
        for (const line of (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(file, 'utf8').split(/\r?\n/)) {
            const trimmed = line.trim();
            if (trimmed && !trimmed.startsWith('#') && !trimmed.startsWith('!'))
                patterns.push(trimmed);
        }
    }
    return patterns;
}
/** Default command for a Node project: `node <package.json main>`; else undefined (keep the base's). */
function defaultNodeCommand(context) {
    const file = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(context, 'package.json');
    if (!(0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(file))
        return undefined;
    try {
        const pkg = JSON.parse((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(file, 'utf8'));
        return ['node', typeof pkg.main === 'string' && pkg.main ? pkg.main : 'index.js'];
    }
    catch {
        return undefined;
    }
}
/** Docker layer media types become their OCI twins (same bytes) so the manifest is one format. */
function asOciLayer(descriptor) {
    const mediaType = descriptor.mediaType === _shared_oci_types_js__WEBPACK_IMPORTED_MODULE_7__.MediaType.dockerLayerGzip ? _shared_oci_types_js__WEBPACK_IMPORTED_MODULE_7__.MediaType.ociLayerGzip : descriptor.mediaType;
    const { urls: _urls, ...rest } = descriptor;
    return { ...rest, mediaType };
}
/** The dependency paths that exist in the context (`node_modules` by default). */
function presentDependencyPaths(spec) {
    return spec.dependencyPaths.filter((path) => (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)((0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(spec.context, path)));
}
/** What makes the dependencies layer what it is besides its files: where it lands and what is left out. */
function dependencyLayerSalt(spec) {
    return JSON.stringify({
        format: 1,
        gzip: _shared_oci_layer_js__WEBPACK_IMPORTED_MODULE_5__/* .DEFAULT_LAYER_GZIP_LEVEL */ .a0,
        workdir: spec.workdir,
        paths: spec.dependencyPaths,
        ignore: ignorePatterns(spec.context),
    });
}
/** Build the dependencies layer (undefined when none of the paths exist). */
function buildDependencyLayer(spec) {
    const present = presentDependencyPaths(spec);
    if (present.length === 0)
        return undefined;
    const ignore = ignorePatterns(spec.context);
    const entries = present.flatMap((path) => (0,_shared_oci_layer_js__WEBPACK_IMPORTED_MODULE_5__/* .directoryEntries */ .Wm)((0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(spec.context, path), { destination: `${spec.workdir}/${path}`, exclude: ignore }));
    return { name: `dependencies (${present.join(', ')})`, layer: (0,_shared_oci_layer_js__WEBPACK_IMPORTED_MODULE_5__/* .buildLayer */ .oj)(entries) };
}
/** Build the sources layer: the context minus the dependency paths and ignored files. */
function buildSourcesLayer(spec) {
    const exclude = [...ignorePatterns(spec.context), ...spec.dependencyPaths.map((p) => `/${p}`)];
    return {
        name: 'sources',
        layer: (0,_shared_oci_layer_js__WEBPACK_IMPORTED_MODULE_5__/* .buildLayer */ .oj)((0,_shared_oci_layer_js__WEBPACK_IMPORTED_MODULE_5__/* .directoryEntries */ .Wm)(spec.context, { destination: spec.workdir, exclude })),
    };
}
/**
 * Write the config and manifest over `base` for the application layers (built with
 * {@link buildDependencyLayer} and {@link buildSourcesLayer}, or by default built here). Reads files; no network.
 */
function assembleImage(base, baseRef, spec, layers) {
    const destination = spec.workdir;
    const appLayers = layers
        ? [...layers]
        : [buildDependencyLayer(spec), buildSourcesLayer(spec)].filter((l) => l !== undefined);
    const created = spec.created.toISOString();
    const baseConfig = base.config.config ?? {};
    const env = new Map();
    for (const item of baseConfig.Env ?? []) {
        const eq = item.indexOf('=');
        env.set(eq >= 0 ? item.slice(0, eq) : item, eq >= 0 ? item.slice(eq + 1) : '');
    }
    for (const [key, value] of Object.entries(spec.env))
        env.set(key, value);
    const ports = { ...(baseConfig.ExposedPorts ?? {}) };
    for (const port of spec.expose)
        ports[port.includes('/') ? port : `${port}/tcp`] = {};
    const cmd = spec.cmd ?? (spec.entrypoint ? undefined : (defaultNodeCommand(spec.context) ?? baseConfig.Cmd));
    const config = {
        created,
        architecture: base.config.architecture,
        os: base.config.os,
        ...(base.config.variant ? { variant: base.config.variant } : {}),
        config: {
            ...baseConfig,
            Env: [...env].map(([key, value]) => `${key}=${value}`),
            ...(spec.entrypoint ? { Entrypoint: [...spec.entrypoint] } : {}),
            ...(cmd ? { Cmd: [...cmd] } : {}),
            WorkingDir: spec.workdir,
            ...(Object.keys(ports).length > 0 ? { ExposedPorts: ports } : {}),
            ...((spec.user ?? baseConfig.User) ? { User: spec.user ?? baseConfig.User } : {}),
            Labels: { ...(baseConfig.Labels ?? {}), ...spec.labels },
        },
        rootfs: {
            type: 'layers',
            diff_ids: [...base.config.rootfs.diff_ids, ...appLayers.map((l) => l.layer.diffId)],
        },
        history: [
            ...(base.config.history ?? []),
            ...appLayers.map((l) => ({
                created,
                created_by: `paved: ${l.name} → ${destination}`,
                comment: 'paved builder',
            })),
        ],
    };
    const configBytes = Buffer.from(JSON.stringify(config));
    const configDigest = (0,_shared_oci_client_js__WEBPACK_IMPORTED_MODULE_4__/* .sha256Digest */ .s)(configBytes);
    const baseLayers = base.manifest.layers.map(asOciLayer);
    const manifest = {
        schemaVersion: 2,
        mediaType: _shared_oci_types_js__WEBPACK_IMPORTED_MODULE_7__.MediaType.ociManifest,
        config: { mediaType: _shared_oci_types_js__WEBPACK_IMPORTED_MODULE_7__.MediaType.ociConfig, digest: configDigest, size: configBytes.length },
        layers: [
            ...baseLayers,
            ...appLayers.map((l) => ({ mediaType: l.layer.mediaType, digest: l.layer.digest, size: l.layer.size })),
        ],
        annotations: {
            ...spec.annotations,
            'org.opencontainers.image.base.name': (0,_shared_oci_reference_js__WEBPACK_IMPORTED_MODULE_6__.formatImageReference)({ ...baseRef, digest: undefined }),
            'org.opencontainers.image.base.digest': base.digest,
        },
    };
    const manifestBytes = Buffer.from(JSON.stringify(manifest));
    return {
        digest: (0,_shared_oci_client_js__WEBPACK_IMPORTED_MODULE_4__/* .sha256Digest */ .s)(manifestBytes),
        manifest,
        manifestBytes,
        config,
        configBytes,
        configDigest,
        appLayers,
        baseLayers,
    };
}
function human(bytes) {
    if (bytes < 1024)
        return `${bytes} B`;
    if (bytes < 1024 * 1024)
        return `${(bytes / 1024).toFixed(1)} KiB`;
    return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
/**
 * Push every blob to every target, then the manifest under each tag. Base layers are mounted from the
 * base repository when the target is on the same registry, else copied (downloaded once).
 */
async function pushImage(image, targets, base) {
    const report = { bytesSent: 0, blobs: [] };
    const baseCache = new Map();
    const loadBase = (digest) => () => {
        let pending = baseCache.get(digest);
        if (!pending) {
            pending = base.client.getBlob(base.ref.repository, digest);
            baseCache.set(digest, pending);
        }
        return pending;
    };
    for (const target of targets) {
        const name = (0,_shared_oci_reference_js__WEBPACK_IMPORTED_MODULE_6__.formatImageReference)({ ...target.ref, tag: undefined, digest: undefined });
        const sameRegistry = target.ref.registry === base.ref.registry;
        const record = (label, result) => {
            report.bytesSent += result.bytesSent;
            report.blobs.push({ target: name, name: label, result });
            const how = result.action === 'uploaded'
                ? `uploaded ${human(result.bytesSent)}${result.chunks > 1 ? ` in ${result.chunks} chunks` : ''}`
                : result.action === 'mounted'
                    ? `mounted from ${base.ref.repository}`
                    : 'already present, skipped';
            (0,_shared_log_js__WEBPACK_IMPORTED_MODULE_3__/* .info */ .pq)(`${name}: ${label} ${result.digest.slice(7, 19)} (${human(result.size)}): ${how}`);
        };
        for (const [i, layer] of image.baseLayers.entries()) {
            const result = await target.client.pushBlob(target.ref.repository, loadBase(layer.digest), {
                digest: layer.digest,
                size: layer.size,
                mountFrom: sameRegistry ? [base.ref.repository] : [],
            });
            record(`base layer ${i + 1}/${image.baseLayers.length}`, result);
        }
        for (const { name: layerName, layer } of image.appLayers) {
            const data = layer.blob ??
                (() => Promise.reject(new _shared_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .PavedError */ .fL(`${name}: the ${layerName} layer ${layer.digest} disappeared from the registry during the build; run the build again`)));
            record(`layer ${layerName}`, await target.client.pushBlob(target.ref.repository, data, { digest: layer.digest, size: layer.size }));
        }
        record('config', await target.client.pushBlob(target.ref.repository, image.configBytes, { digest: image.configDigest }));
    }
    // Every blob is in place everywhere: only now do tags move.
    for (const target of targets) {
        const name = (0,_shared_oci_reference_js__WEBPACK_IMPORTED_MODULE_6__.formatImageReference)({ ...target.ref, tag: undefined, digest: undefined });
        for (const tag of target.tags) {
            const digest = await target.client.putManifest(target.ref.repository, tag, image.manifestBytes, _shared_oci_types_js__WEBPACK_IMPORTED_MODULE_7__.MediaType.ociManifest);
            if (digest !== image.digest)
                throw new _shared_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .PavedError */ .fL(`${name}:${tag}: the registry stored digest ${digest}, expected ${image.digest}`);
            (0,_shared_log_js__WEBPACK_IMPORTED_MODULE_3__/* .info */ .pq)(`${name}:${tag} → ${image.digest}`);
        }
    }
    return report;
}
/** Parse `name:tag` strings back into references (tags come out of the metadata step). */
function splitTagged(tagged) {
    const byImage = new Map();
    for (const text of tagged) {
        const ref = (0,_shared_oci_reference_js__WEBPACK_IMPORTED_MODULE_6__/* .parseImageReference */ .o_)(text);
        const key = `${ref.registry}/${ref.repository}`;
        const entry = byImage.get(key) ?? { ref: { ...ref, tag: undefined }, tags: [] };
        entry.tags.push(ref.tag ?? 'latest');
        byImage.set(key, entry);
    }
    return byImage;
}


/***/ })

};

export const id = 898;
export const ids = [898];
export const modules = {

/***/ 1898:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   clientForReference: () => (/* binding */ clientForReference)
/* harmony export */ });
/* unused harmony export pullImageToDirectory */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var _client_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6733);
/* harmony import */ var _auth_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2455);
/* harmony import */ var _layer_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(2516);
/* harmony import */ var _reference_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(956);
/* harmony import */ var _types_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(6656);
/** Pull an image into a directory: resolve the platform, download every layer, apply them in order. */






/**
 * A client for the registry of `ref`. Credentials: `credentials` when given, else the Docker config
 * file's entry for that registry, else anonymous.
 */
function clientForReference(ref, options = {}) {
    const credentials = options.credentials ?? (0,_auth_js__WEBPACK_IMPORTED_MODULE_2__/* .credentialsFromDockerConfig */ .N3)(ref.registry, options.env);
    return new _client_js__WEBPACK_IMPORTED_MODULE_1__/* .RegistryClient */ .b({ ...options, registry: ref.registry, credentials });
}
/**
 * Download the image `ref` (for `platform`, default this host's) and unpack its layers into `target`.
 * Returns the resolved manifest and config, whose `config.config` holds Entrypoint, Cmd, Env and
 * WorkingDir for running it.
 */
async function pullImageToDirectory(client, ref, target, platform = hostPlatform()) {
    const image = await client.resolveImage(ref.repository, referenceTarget(ref), platform);
    mkdirSync(target, { recursive: true });
    for (const layer of image.manifest.layers)
        unpackLayer(await client.getBlob(ref.repository, layer.digest), target);
    return image;
}


/***/ })

};

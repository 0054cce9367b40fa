export const id = 698;
export const ids = [698];
export const modules = {

/***/ 698:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   LayerCache: () => (/* binding */ LayerCache),
/* harmony export */   fingerprintPaths: () => (/* binding */ fingerprintPaths),
/* harmony export */   layerCacheDir: () => (/* binding */ layerCacheDir)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3024);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8161);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(6760);
/**
 * Remembers the digest of the dependencies layer by a fingerprint of its files' metadata (path, type,
 * mode, size, mtime, ctime, inode, link target), so that a rebuild whose node_modules did not change
 * neither reads nor compresses thousands of files — when the registry already holds that layer. ctime
 * and inode change on every write or replacement and cannot be set back by tools, which makes a stale
 * hit as unlikely as in git's index. The cache holds digests only, never content; a miss just rebuilds.
 */




/** Where layer digests are remembered: PAVED_LAYER_CACHE, else $XDG_CACHE_HOME/paved/layers, else ~/.cache/paved/layers. */
function layerCacheDir(env = process.env) {
    return (env['PAVED_LAYER_CACHE'] ??
        (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(env['XDG_CACHE_HOME'] ?? (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(env['HOME'] ?? (0,node_os__WEBPACK_IMPORTED_MODULE_2__.homedir)(), '.cache'), 'paved', 'layers'));
}
/** A fingerprint of everything under `paths` (relative to `root`) plus `salt` (destination, excludes, format). */
function fingerprintPaths(root, paths, salt) {
    const hash = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(salt).update('\0');
    const visit = (rel) => {
        const full = (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(root, rel);
        const stat = (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.lstatSync)(full, { bigint: true });
        hash.update(`${rel}\0${stat.mode}\0${stat.size}\0${stat.mtimeNs}\0${stat.ctimeNs}\0${stat.ino}\0`);
        if (stat.isSymbolicLink())
            hash.update((0,node_fs__WEBPACK_IMPORTED_MODULE_1__.readlinkSync)(full));
        else if (stat.isDirectory())
            for (const name of (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.readdirSync)(full).sort())
                visit(`${rel}/${name}`);
        hash.update('\n');
    };
    for (const path of [...paths].sort())
        visit(path);
    return hash.digest('hex');
}
class LayerCache {
    dir;
    constructor(dir) {
        this.dir = dir;
    }
    get(fingerprint) {
        try {
            const value = JSON.parse((0,node_fs__WEBPACK_IMPORTED_MODULE_1__.readFileSync)((0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(this.dir, `${fingerprint}.json`), 'utf8'));
            return /^sha256:[a-f0-9]{64}$/.test(value.digest) && /^sha256:[a-f0-9]{64}$/.test(value.diffId)
                ? value
                : undefined;
        }
        catch {
            return undefined;
        }
    }
    /** Best effort: a cache that cannot be written only costs speed. */
    set(fingerprint, layer) {
        try {
            (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.mkdirSync)(this.dir, { recursive: true });
            (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.writeFileSync)((0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(this.dir, `${fingerprint}.json`), JSON.stringify(layer));
        }
        catch {
            // read-only home or full disk: the next build rebuilds the layer, which is correct, just slower
        }
    }
}


/***/ })

};

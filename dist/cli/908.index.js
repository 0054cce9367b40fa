export const id = 908;
export const ids = [908];
export const modules = {

/***/ 2908:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   command: () => (/* binding */ command)
/* harmony export */ });
const subcommands = {};
const command = {
    name: 'sandbox',
    summary: 'start, inspect and stop the local services (registry, Prometheus, git, Argo CD and Slack stand-ins)',
    usage: 'paved sandbox <subcommand> [options]',
    async run(args, io) {
        const [name, ...rest] = args;
        const names = Object.keys(subcommands).sort();
        if (name === undefined) {
            io.out('Usage: paved sandbox <subcommand>');
            for (const sub of names) {
                const loaded = await subcommands[sub]();
                io.out(`  ${loaded.usage.padEnd(52)} ${loaded.summary}`);
            }
            return 2;
        }
        const load = subcommands[name];
        if (!load)
            return io.usageError(`unknown sandbox subcommand ${JSON.stringify(name)}; subcommands: ${names.join(', ') || 'none yet'}`);
        return (await load()).run(rest, io);
    },
};


/***/ })

};

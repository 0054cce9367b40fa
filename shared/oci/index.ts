/**
 * Paved's OCI registry client. Import from here:
 *
 * - {@link parseImageReference} / {@link formatImageReference}: `host/repo:tag@digest` ⇄ parts.
 * - {@link RegistryClient}: manifests (`getManifest`, `resolveImage` with platform selection,
 *   `putManifest`, `headManifest`), blobs (`blobSize`, `getBlob`, `pushBlob` with skip/mount/chunks),
 *   `listTags`, `ping`; anonymous, Bearer-token and Basic auth.
 * - {@link clientForReference}: a client with credentials from inputs or the Docker config file.
 * - {@link pullImageToDirectory}: download and unpack an image (with whiteouts) into a directory.
 * - {@link prepareRunnableImage}: pull and unpack once per digest, with the args/env/cwd to start it.
 * - {@link buildLayer} / {@link directoryEntries}: deterministic layers from directories.
 */
export * from './reference.js';
export * from './types.js';
export * from './auth.js';
export * from './client.js';
export * from './layer.js';
export * from './pull.js';

/** GitOps for Paved: image edits that keep comments, locating the owning file, rendering, and race-safe git. */
export * from './images.js';
export * from './render.js';
export * from './git.js';
export * from './notes.js';

/** The Argo CD stand-in: start it with {@link startArgoCdStandIn}; see server.ts for the API it serves. */
export {
  startArgoCdStandIn,
  type ArgoCdStandIn,
  type StandInOptions,
  type Faults,
  type Exchange,
} from './server.js';
export { DEFAULT_TIMING, type ApplicationDefinition, type Timing, type SyncFault } from './controller.js';
export { SkopeoUmociPreparer, type ImagePreparer, type PreparedImage } from './workload.js';

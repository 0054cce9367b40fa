import type { Command } from '../command.js';

/**
 * The golden-path demo (README line one). The pipeline it runs is not assembled yet; until it is, this
 * says so and fails, rather than pretending to succeed.
 */
export const command: Command = {
  name: 'demo',
  summary: 'run the golden-path demo on examples/sample-service (not available yet)',
  usage: 'paved demo',
  async run(_args, io) {
    io.err('paved demo: the golden-path demo is not available in this version yet.');
    io.err(
      'It needs the build, test, containerize, deploy-argocd, health-check and notify-slack actions and',
    );
    io.err("'paved run'. Until then, 'npm test' exercises every part that exists against real services.");
    return 1;
  },
};
